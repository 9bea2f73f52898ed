package io.s2mtls.core.x509;

import org.bouncycastle.crypto.PBEParametersGenerator;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.PKCS12ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The JDK-digest PKCS #12 MAC key derivation gives exactly Bouncy Castle's reference result. */
class Pkcs12MacKeyTest {
    @Test
    void matchesTheReferenceDerivation() {
        String[] passwords = {"", "a", "correct horse battery staple", "p\u00e4ssw\u00f6rt \u2713 \u5bc6\u7801", "x".repeat(100)};
        byte[][] salts = {new byte[8], "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII), new byte[70]};
        for (String password : passwords) {
            for (byte[] salt : salts) {
                for (int iterations : new int[]{1, 2, 2048}) {
                    PKCS12ParametersGenerator generator = new PKCS12ParametersGenerator(new SHA256Digest());
                    generator.init(PBEParametersGenerator.PKCS12PasswordToBytes(password.toCharArray()), salt, iterations);
                    byte[] expected = ((KeyParameter) generator.generateDerivedMacParameters(256)).getKey();
                    assertArrayEquals(expected, Pkcs12Files.pkcs12MacKey(password.toCharArray(), salt, iterations),
                            "'" + password + "', salt " + salt.length + ", " + iterations);
                }
            }
        }
    }
}
