package io.s2mtls.core.dn;

import java.util.Arrays;

/** A growable byte array, so this package needs nothing from java.io. */
final class ByteSink {
    private byte[] bytes;
    private int size;

    ByteSink(int capacity) {
        bytes = new byte[Math.max(capacity, 16)];
    }

    ByteSink() {
        this(64);
    }

    void write(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    void writeBytes(byte[] more) {
        ensure(more.length);
        System.arraycopy(more, 0, bytes, size, more.length);
        size += more.length;
    }

    int size() {
        return size;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensure(int extra) {
        if (size + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + extra));
        }
    }
}
