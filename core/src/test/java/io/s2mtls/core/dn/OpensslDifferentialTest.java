package io.s2mtls.core.dn;

import io.s2mtls.core.dn.TestNames.Attr;
import io.s2mtls.core.testing.ExternalTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.cert.X509CertificateHolder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.s2mtls.core.dn.TestNames.BMP;
import static io.s2mtls.core.dn.TestNames.BIT_STRING;
import static io.s2mtls.core.dn.TestNames.IA5;
import static io.s2mtls.core.dn.TestNames.NUMERIC;
import static io.s2mtls.core.dn.TestNames.PRINTABLE;
import static io.s2mtls.core.dn.TestNames.T61;
import static io.s2mtls.core.dn.TestNames.UNIVERSAL;
import static io.s2mtls.core.dn.TestNames.UTF8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link DistinguishedName#oneline()} against the real {@code openssl x509 -subject -nameopt compat}
 * on a seeded corpus of random and tricky subjects. Set {@code -Ddn.corpus.seed=N} to replay another corpus.
 */
class OpensslDifferentialTest {
    static final long DEFAULT_SEED = 0x5EED_2026L;
    static final int CORPUS_SIZE = 600;

    private static final String[] OIDS = {
            "2.5.4.3", "2.5.4.3", "2.5.4.3", "2.5.4.10", "2.5.4.11", "2.5.4.6", "2.5.4.7", "2.5.4.8",
            "1.2.840.113549.1.9.1", "0.9.2342.19200300.100.1.1", "0.9.2342.19200300.100.1.44",
            "0.9.2342.19200300.100.1.25", "2.5.4.5", "2.5.4.12", "2.5.4.42", "2.5.4.4", "2.5.4.9", "2.5.4.17",
            "2.5.4.97", "1.3.6.1.4.1.311.60.2.1.3", "2.5.4.15", "2.5.4.46", "2.5.4.65", "1.3",
            "1.2.3.4", "1.3.6.1.4.1.99999.7.1", "2.999.12345678901234567890", "0.0", "2.5.4.250",
            "1.2.840.113549.1.9.2", "2.5.4.41",
    };
    private static final String TRICKY = "/+\\,=;#<>\"' \t\n\r\0\u007f:?()*&%$!@^[]{}|`~";

    @Test
    void onelineMatchesOpensslByteForByte(@TempDir Path directory) throws Exception {
        ExternalTool.require("openssl");
        long seed = Long.getLong("dn.corpus.seed", DEFAULT_SEED);
        List<List<List<Attr>>> corpus = corpus(seed);
        assertTrue(corpus.size() >= 500, "corpus has " + corpus.size() + " subjects");

        List<byte[]> ders = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            byte[] built = TestNames.nameDer(corpus.get(i));
            X509CertificateHolder certificate = TestNames.certificate(built);
            byte[] der = certificate.toASN1Structure().getSubject().getEncoded(ASN1Encoding.DER);
            assertArrayEquals(built, der, "seed " + seed + " subject " + i + ": the certificate re-encoded the subject");
            ders.add(der);
            Path file = directory.resolve("subject-" + i + ".pem");
            Files.writeString(file, TestNames.pem(certificate), StandardCharsets.US_ASCII);
            files.add(file);
        }

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<ExternalTool.Result>> results = new ArrayList<>();
            for (Path file : files) {
                results.add(pool.submit(() -> ExternalTool.openssl(
                        "x509", "-noout", "-subject", "-nameopt", "compat", "-in", file.toString())));
            }
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < corpus.size(); i++) {
                byte[] stdout = results.get(i).get().stdout();
                String expected = openSslSubject(stdout);
                DistinguishedName name = DistinguishedName.fromDer(ders.get(i));
                String actual = name.oneline();
                if (!Arrays.equals(name.toDer(), ders.get(i))) {
                    failures.add("subject " + i + ": toDer() changed the bytes");
                }
                if (!expected.equals(actual)) {
                    failures.add("subject " + i + " " + corpus.get(i).stream().map(rdn -> rdn.stream().map(Attr::describe).toList()).toList()
                            + "\n  openssl: " + expected + "\n  ours:    " + actual);
                }
            }
            if (!failures.isEmpty()) {
                fail("seed " + seed + " (-Ddn.corpus.seed=" + seed + "): " + failures.size() + " of " + corpus.size()
                        + " subjects differ from openssl:\n" + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Value types OpenSSL cannot hold in a Name (GeneralString, VisibleString) and strings its name
     * canonicalisation cannot convert: openssl refuses the whole certificate, so they are not in the
     * corpus above. Our side still renders them, and flags invalid UTF-8.
     */
    @Test
    void opensslRefusesCertificatesWhoseSubjectItCannotHold(@TempDir Path directory) throws Exception {
        ExternalTool.require("openssl");
        List<Attr> refused = List.of(
                new Attr("2.5.4.3", TestNames.GENERAL, new byte[] {0, 0, 0, 'a'}),
                new Attr("2.5.4.3", TestNames.VISIBLE, new byte[] {'a'}),
                new Attr("2.5.4.3", UTF8, new byte[] {'a', (byte) 0xC3}),
                new Attr("2.5.4.3", UTF8, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}));
        for (int i = 0; i < refused.size(); i++) {
            List<List<Attr>> subject = List.of(List.of(refused.get(i)));
            Path file = directory.resolve("refused-" + i + ".pem");
            Files.writeString(file, TestNames.pem(TestNames.certificate(TestNames.nameDer(subject))), StandardCharsets.US_ASCII);
            ExternalTool.Result result = ExternalTool.run(List.of(ExternalTool.require("openssl").toString(),
                    "x509", "-noout", "-subject", "-nameopt", "compat", "-in", file.toString()));
            assertTrue(result.exitCode() != 0, refused.get(i).describe() + " was accepted: " + result.out());
        }
        assertEquals("/CN=a", DistinguishedName.fromDer(TestNames.nameDer(List.of(List.of(refused.get(0))))).oneline());
        assertEquals(SubjectProblem.Kind.INVALID_UTF8, DistinguishedName.fromDer(
                TestNames.nameDer(List.of(List.of(refused.get(2))))).problems().get(0).kind());
    }

    /** What openssl printed after "subject=", without the newline; bytes kept one char each. */
    static String openSslSubject(byte[] stdout) {
        String text = new String(stdout, StandardCharsets.ISO_8859_1);
        if (!text.startsWith("subject=") || !text.endsWith("\n")) {
            throw new AssertionError("unexpected openssl output: " + text);
        }
        return text.substring("subject=".length(), text.length() - 1);
    }

    static List<List<List<Attr>>> corpus(long seed) {
        Random random = new Random(seed);
        List<List<List<Attr>>> corpus = new ArrayList<>(fixedCases());
        while (corpus.size() < CORPUS_SIZE) {
            int rdnCount = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(6);
            List<List<Attr>> rdns = new ArrayList<>();
            for (int r = 0; r < rdnCount; r++) {
                int valueCount = random.nextInt(5) == 0 ? 2 + random.nextInt(3) : 1;
                List<Attr> rdn = new ArrayList<>();
                for (int v = 0; v < valueCount; v++) {
                    rdn.add(randomAttr(random));
                }
                rdns.add(rdn);
            }
            corpus.add(rdns);
        }
        return corpus;
    }

    /** The reference's cases and a few hand-picked edges, first in the corpus. */
    static List<List<List<Attr>>> fixedCases() {
        List<List<List<Attr>>> cases = new ArrayList<>();
        for (OnelineReferenceTest.Case c : OnelineReferenceTest.cases()) {
            cases.add(c.rdns());
        }
        // BIT STRING values are allowed in a Name by OpenSSL; it prints the bits after the unused-bits octet.
        cases.add(List.of(List.of(new Attr("2.5.4.3", BIT_STRING, new byte[] {0, 'a', '/'}))));
        cases.add(List.of(List.of(new Attr("2.5.4.3", BIT_STRING, new byte[] {3, 'a', (byte) 0xFF}))));
        cases.add(List.of(List.of(new Attr("2.5.4.3", BIT_STRING, new byte[] {0}))));
        // SEQUENCE values are allowed too: OpenSSL prints their whole encoding. ObjectDescriptor is an "unknown" type it keeps.
        cases.add(List.of(List.of(new Attr("2.5.4.3", 16, new byte[] {0x0C, 0x03, 'a', '/', 'b'}))));
        cases.add(List.of(List.of(new Attr("2.5.4.3", 16, new byte[0])), List.of(Attr.utf8("2.5.4.10", "o"))));
        cases.add(List.of(List.of(new Attr("2.5.4.3", 7, new byte[] {'d', '+', 'x'}))));
        // An OID whose dotted form passes OpenSSL's 80-byte buffer.
        cases.add(List.of(List.of(Attr.utf8("1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24.25.26.27.28.29.30.31.32", "x"))));
        // Multi-valued RDN given unsorted: DER sorts it.
        cases.add(List.of(List.of(Attr.utf8("0.9.2342.19200300.100.1.1", "123"), Attr.utf8("2.5.4.3", "alice"))));
        // A long value (several length octets).
        cases.add(List.of(List.of(Attr.utf8("2.5.4.3", "x/".repeat(40_000)))));
        return cases;
    }

    private static Attr randomAttr(Random random) {
        String oid = OIDS[random.nextInt(OIDS.length)];
        int kind = random.nextInt(20);
        return switch (kind) {
            case 0, 1 -> new Attr(oid, BMP, bmp(random));
            case 2 -> new Attr(oid, UNIVERSAL, universal(random));
            case 3 -> new Attr(oid, T61, randomBytes(random, 0, 255));
            case 4 -> new Attr(oid, BIT_STRING, bitString(random));
            case 5, 6 -> new Attr(oid, IA5, randomBytes(random, 0, 127));
            case 7, 8 -> new Attr(oid, PRINTABLE, ascii(random, "ABCxyz019 '()+,-./:=?"));
            case 9 -> new Attr(oid, UTF8, ascii(random, "ASCII text +/\\\"' ~"));
            case 10 -> new Attr(oid, NUMERIC, ascii(random, "0123456789 "));
            default -> new Attr(oid, UTF8, utf8(random));
        };
    }

    private static int length(Random random) {
        int pick = random.nextInt(40);
        if (pick == 0) {
            return 0;
        }
        if (pick == 1) {
            return 128 + random.nextInt(3000);
        }
        return 1 + random.nextInt(24);
    }

    private static byte[] utf8(Random random) {
        StringBuilder text = new StringBuilder();
        int length = length(random);
        for (int i = 0; i < length; i++) {
            int pick = random.nextInt(10);
            int codePoint;
            if (pick < 4) {
                codePoint = TRICKY.charAt(random.nextInt(TRICKY.length()));
            } else if (pick < 6) {
                codePoint = 'a' + random.nextInt(26);
            } else if (pick == 6) {
                codePoint = 0xA0 + random.nextInt(0x160);
            } else if (pick == 7) {
                codePoint = random.nextInt(0x20);
            } else if (pick == 8) {
                codePoint = 0x0370 + random.nextInt(0xD000 - 0x0370);
            } else {
                codePoint = 0x10000 + random.nextInt(0x100000 - 0x10000);
            }
            text.appendCodePoint(codePoint);
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bmp(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int length = length(random);
        for (int i = 0; i < length; i++) {
            int c = switch (random.nextInt(4)) {
                case 0 -> TRICKY.charAt(random.nextInt(TRICKY.length()));
                case 1 -> 'A' + random.nextInt(26);
                case 2 -> 0x80 + random.nextInt(0x200);
                default -> 0x0370 + random.nextInt(0xD000 - 0x0370);
            };
            out.write(c >> 8);
            out.write(c);
        }
        return out.toByteArray();
    }

    private static byte[] universal(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int length = length(random);
        for (int i = 0; i < length; i++) {
            int c = switch (random.nextInt(3)) {
                case 0 -> TRICKY.charAt(random.nextInt(TRICKY.length()));
                case 1 -> 0xA0 + random.nextInt(0xD000 - 0xA0);
                default -> 0x10000 + random.nextInt(0x100000 - 0x10000);
            };
            out.write(c >>> 24);
            out.write(c >>> 16);
            out.write(c >>> 8);
            out.write(c);
        }
        return out.toByteArray();
    }

    private static byte[] bitString(Random random) {
        byte[] bits = randomBytes(random, 0, 255);
        byte[] content = new byte[bits.length + 1];
        System.arraycopy(bits, 0, content, 1, bits.length);
        content[0] = (byte) (bits.length == 0 ? 0 : random.nextInt(8));
        return content;
    }

    private static byte[] randomBytes(Random random, int low, int high) {
        byte[] bytes = new byte[length(random)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = random.nextInt(3) == 0
                    ? (byte) TRICKY.charAt(random.nextInt(TRICKY.length()))
                    : (byte) (low + random.nextInt(high - low + 1));
        }
        return bytes;
    }

    private static byte[] ascii(Random random, String alphabet) {
        byte[] bytes = new byte[length(random)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return bytes;
    }
}
