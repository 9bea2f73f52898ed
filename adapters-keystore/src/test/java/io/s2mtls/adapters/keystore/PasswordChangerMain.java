package io.s2mtls.adapters.keystore;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.port.CredentialStore;

import java.nio.file.Path;

/**
 * A second process that changes a store's password back and forth between {@code S2MTLS_TEST_PASSWORD}
 * and {@code S2MTLS_TEST_PASSWORD_2} forever, printing "committed 1" or "committed 2" (the password now
 * in force) after each change returns. Argument: the store file.
 */
public final class PasswordChangerMain {
    private PasswordChangerMain() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        String[] passwords = {System.getenv("S2MTLS_TEST_PASSWORD"), System.getenv("S2MTLS_TEST_PASSWORD_2")};
        int current = opens(file, passwords[0]) ? 0 : 1;
        try (CredentialStore store = Stores.open(file, passwords[current])) {
            while (true) {
                int next = 1 - current;
                store.changePassword(passwords[next].toCharArray(), java.util.List.of());
                current = next;
                System.out.println("committed " + (current + 1));
                System.out.flush();
            }
        }
    }

    static boolean opens(Path file, String password) {
        try (CredentialStore store = Stores.open(file, password)) {
            Stores.read(store);
            return true;
        } catch (S2mtlsException e) {
            if (e.getMessage().contains("wrong store password")) {
                return false;
            }
            throw e;
        }
    }
}
