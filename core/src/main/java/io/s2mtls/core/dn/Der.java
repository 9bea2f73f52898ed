package io.s2mtls.core.dn;

import io.s2mtls.core.error.S2mtlsException;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The little DER this package needs: definite lengths, single-byte tags, OIDs. */
final class Der {
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;
    static final int OBJECT_IDENTIFIER = 0x06;

    private Der() {
    }

    /** One element: identifier octet, content, and where it sat in the input. */
    record Element(int identifier, byte[] content, int offset) {
        boolean constructed() {
            return (identifier & 0x20) != 0;
        }

        int tagNumber() {
            return identifier & 0x1F;
        }

        boolean universal() {
            return (identifier & 0xC0) == 0;
        }
    }

    /** Splits {@code bytes[from, to)} into consecutive elements; fails on anything malformed. */
    static List<Element> elements(byte[] bytes, int from, int to, String what) {
        List<Element> result = new ArrayList<>();
        int position = from;
        while (position < to) {
            int start = position;
            int identifier = bytes[position++] & 0xFF;
            if ((identifier & 0x1F) == 0x1F) {
                throw malformed(what, start, "multi-byte tags are not supported");
            }
            if (position >= to) {
                throw malformed(what, start, "truncated length");
            }
            int first = bytes[position++] & 0xFF;
            long length;
            if (first < 0x80) {
                length = first;
            } else if (first == 0x80) {
                throw malformed(what, start, "indefinite length is not DER");
            } else {
                int count = first & 0x7F;
                if (count > 4 || position + count > to) {
                    throw malformed(what, start, "bad length");
                }
                length = 0;
                for (int i = 0; i < count; i++) {
                    length = (length << 8) | (bytes[position++] & 0xFF);
                }
                if (length < 0x80 || (count > 1 && length >> (8 * (count - 1)) == 0)) {
                    throw malformed(what, start, "length not in minimal form");
                }
            }
            if (length > to - position) {
                throw malformed(what, start, "length runs past the end");
            }
            int end = position + (int) length;
            result.add(new Element(identifier, Arrays.copyOfRange(bytes, position, end), start));
            position = end;
        }
        return result;
    }

    static S2mtlsException malformed(String what, int offset, String why) {
        return S2mtlsException.badInput(what + ": malformed DER at byte " + offset + ": " + why);
    }

    static byte[] encode(int identifier, byte[] content) {
        ByteSink out = new ByteSink(content.length + 6);
        out.write(identifier);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int count = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | count);
            for (int i = count - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    static byte[] concat(List<byte[]> parts) {
        ByteSink out = new ByteSink();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** DER SET OF order: octet-wise comparison, a shorter encoding that is a prefix of a longer one first. */
    static int compareEncodings(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    /** The dotted form of OID content octets, or null when they are not a valid OID encoding. */
    static String decodeOid(byte[] content) {
        if (content.length == 0 || (content[content.length - 1] & 0x80) != 0) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        BigInteger value = BigInteger.ZERO;
        boolean first = true;
        boolean startOfArc = true;
        for (byte octet : content) {
            int b = octet & 0xFF;
            if (startOfArc && b == 0x80) {
                return null;
            }
            startOfArc = false;
            value = value.shiftLeft(7).or(BigInteger.valueOf(b & 0x7F));
            if ((b & 0x80) == 0) {
                if (first) {
                    BigInteger forty = BigInteger.valueOf(40);
                    BigInteger eighty = BigInteger.valueOf(80);
                    if (value.compareTo(forty) < 0) {
                        text.append("0.").append(value);
                    } else if (value.compareTo(eighty) < 0) {
                        text.append("1.").append(value.subtract(forty));
                    } else {
                        text.append("2.").append(value.subtract(eighty));
                    }
                    first = false;
                } else {
                    text.append('.').append(value);
                }
                value = BigInteger.ZERO;
                startOfArc = true;
            }
        }
        return text.toString();
    }

    /** Content octets of a dotted OID, or null when the text is not one. */
    static byte[] encodeOid(String dotted) {
        if (!dotted.matches("[0-9]+(\\.[0-9]+)+")) {
            return null;
        }
        String[] parts = dotted.split("\\.");
        for (String part : parts) {
            if (part.length() > 1 && part.charAt(0) == '0') {
                return null;
            }
        }
        BigInteger first = new BigInteger(parts[0]);
        BigInteger second = new BigInteger(parts[1]);
        if (first.compareTo(BigInteger.TWO) > 0
                || (first.compareTo(BigInteger.TWO) < 0 && second.compareTo(BigInteger.valueOf(39)) > 0)) {
            return null;
        }
        ByteSink out = new ByteSink();
        writeArc(out, first.multiply(BigInteger.valueOf(40)).add(second));
        for (int i = 2; i < parts.length; i++) {
            writeArc(out, new BigInteger(parts[i]));
        }
        return out.toByteArray();
    }

    private static void writeArc(ByteSink out, BigInteger arc) {
        int groups = Math.max(1, (arc.bitLength() + 6) / 7);
        for (int i = groups - 1; i >= 0; i--) {
            int septet = arc.shiftRight(7 * i).intValue() & 0x7F;
            out.write(i == 0 ? septet : septet | 0x80);
        }
    }
}
