package io.s2mtls.adapters.keystore;

import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.testing.TestPki;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A second process writing to a store, for the multi-process tests. The password comes from
 * {@code S2MTLS_TEST_PASSWORD}.
 * <ul>
 *   <li>{@code add FILE PREFIX COUNT}: COUNT updates, each adding the credential PREFIX-i; prints "done".</li>
 *   <li>{@code loop FILE PREFIX}: makes sure the store has a CA, then adds three credentials signed by it per
 *       update, forever, printing "committed N" (N credentials in the store) after each update returns.</li>
 * </ul>
 */
public final class StoreWriterMain {
    private StoreWriterMain() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[1]);
        String prefix = args[2];
        try (CredentialStore store = Stores.open(file, System.getenv("S2MTLS_TEST_PASSWORD"))) {
            if (args[0].equals("add")) {
                KeyPair caKeys = TestPki.ecKeyPair();
                int count = Integer.parseInt(args[3]);
                for (int i = 0; i < count; i++) {
                    Stores.Issued issued = Stores.issue(prefix + "-" + i, caKeys);
                    Stores.commit(store, List.of(issued));
                }
                System.out.println("done");
            } else {
                KeyPair fresh = TestPki.ecKeyPair();
                if (store.index().authority().isEmpty()) {
                    try {
                        Stores.commit(store, Optional.of(CaMaterial.local(TestPki.selfSigned(fresh, Stores.CA_SUBJECT, true),
                                fresh.getPrivate())), List.of());
                    } catch (io.s2mtls.core.port.StoreConflictException e) {
                        // another writer set it first
                    }
                }
                CaMaterial ca = store.authority().orElseThrow();
                KeyPair caKeys = new KeyPair(ca.certificate().getPublicKey(), ca.privateKey().orElseThrow());
                for (int n = 0; ; n++) {
                    List<Stores.Issued> batch = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        batch.add(Stores.issue(prefix + "-" + n + "-" + i, caKeys));
                    }
                    Stores.commit(store, batch);
                    System.out.println("committed " + store.index().credentials().size());
                    System.out.flush();
                }
            }
        }
    }
}
