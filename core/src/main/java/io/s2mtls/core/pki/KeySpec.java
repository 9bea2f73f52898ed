package io.s2mtls.core.pki;

import io.s2mtls.core.error.S2mtlsException;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The key types s2mtls generates. RSA below 2048 bits is not offered. */
public enum KeySpec {
    RSA_2048("rsa:2048", "RSA", 2048),
    RSA_3072("rsa:3072", "RSA", 3072),
    RSA_4096("rsa:4096", "RSA", 4096),
    EC_P256("ec:p256", "EC", 256),
    EC_P384("ec:p384", "EC", 384),
    ED25519("ed25519", "Ed25519", 255);

    private final String label;
    private final String jcaAlgorithm;
    private final int bits;

    KeySpec(String label, String jcaAlgorithm, int bits) {
        this.label = label;
        this.jcaAlgorithm = jcaAlgorithm;
        this.bits = bits;
    }

    /** Parses {@code rsa:2048}, {@code ec:p256}, {@code ed25519}, ... (case-insensitive). */
    public static KeySpec parse(String text) {
        for (KeySpec spec : values()) {
            if (spec.label.equalsIgnoreCase(text.trim())) {
                return spec;
            }
        }
        throw S2mtlsException.badInput("--key: unknown key type '" + text + "'; use one of "
                + Arrays.stream(values()).map(KeySpec::label).collect(Collectors.joining(", ")));
    }

    public String label() {
        return label;
    }

    /** The JCA {@code KeyPairGenerator} algorithm name. */
    public String jcaAlgorithm() {
        return jcaAlgorithm;
    }

    public int bits() {
        return bits;
    }

    @Override
    public String toString() {
        return label;
    }
}
