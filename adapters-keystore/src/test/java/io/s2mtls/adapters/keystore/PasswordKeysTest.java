package io.s2mtls.adapters.keystore;

import org.junit.jupiter.api.Test;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The store's own PBKDF2-HMAC-SHA256 derives what the JDK (and so OpenSSL) derives, for any password. */
class PasswordKeysTest {
    @Test
    void pbkdf2MatchesTheJdk() throws Exception {
        byte[] salt = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
        String[] passwords = {"correct horse battery staple", "p\u00e4ssw\u00f6rd \u20ac \ud83d\udd11", "x", "long".repeat(40)};
        for (String password : passwords) {
            for (int iterations : new int[] {1, 2, 1000}) {
                byte[] expected = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                        .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
                PasswordKeys keys = new PasswordKeys(password.toCharArray());
                assertArrayEquals(expected, keys.pbkdf2Sha256(salt, iterations), password + " / " + iterations);
                assertArrayEquals(expected, keys.pbkdf2Sha256(salt, iterations), "the cached key is the same");
                keys.destroy();
            }
        }
    }
}
