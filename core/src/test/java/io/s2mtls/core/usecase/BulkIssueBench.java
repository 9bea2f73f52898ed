package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.testing.InMemoryCredentialStore;

import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Times bulk issue of N EC P-256 credentials into an empty in-memory store: first the signing alone (the
 * same keys and certificates, recorded nowhere), then the whole command; the difference is what recording
 * costs. Not a test: run it by hand, e.g.
 * {@code java -cp core/target/classes:core/target/test-classes io.s2mtls.core.usecase.BulkIssueBench 1000 10000 20000}.
 */
public final class BulkIssueBench {
    private BulkIssueBench() {
    }

    public static void main(String[] args) {
        int parallelism = Integer.getInteger("parallelism", 2);
        System.out.printf("%8s %12s %12s %12s %10s%n", "N", "signing s", "issueAll s", "recording s", "commits");
        for (String arg : args) {
            int n = Integer.parseInt(arg);
            CountingStore store = new CountingStore(new InMemoryCredentialStore(UUID.randomUUID().toString()));
            S2mtls s2mtls = S2mtls.builder(store).build();
            s2mtls.authority().create(DistinguishedName.parse("/CN=Bench CA"), KeySpec.EC_P256, 3650, false);
            List<IssueCommand> commands = IntStream.range(0, n)
                    .mapToObj(i -> IssueCommand.client(DistinguishedName.parse("/O=Bench/CN=user" + i)).withKey(KeySpec.EC_P256))
                    .toList();
            long signStart = System.nanoTime();
            IssuanceUseCase.Issuer issuer = s2mtls.issuance().issuer(store.index());
            IssuanceUseCase.inParallel(commands, parallelism, done -> { }, command -> {
                java.security.KeyPair keys = io.s2mtls.core.x509.KeyPairs.generate(command.key(), new java.security.SecureRandom());
                return s2mtls.issuance().sign(issuer, command.subject(), keys.getPublic(), java.util.Optional.of(keys.getPrivate()),
                        command.days(), command.profile(), command.subjectAltNames(), command.effectiveName());
            });
            double signing = (System.nanoTime() - signStart) / 1e9;
            store.reset();
            long start = System.nanoTime();
            s2mtls.issuance().issueAll(commands, parallelism, done -> { });
            double seconds = (System.nanoTime() - start) / 1e9;
            if (store.index().inventory().size() != n) {
                throw new IllegalStateException("expected " + n + " entries, found " + store.index().inventory().size());
            }
            System.out.printf("%8d %12.2f %12.2f %12.2f %10d%n", n, signing, seconds, seconds - signing, store.commit.get());
        }
    }
}
