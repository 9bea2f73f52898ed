package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.x509.KeyPairs;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Times what bulk issue spends recording N EC P-256 credentials in the in-memory store, apart from key
 * generation and signing (which cost the same per credential whatever the store holds): the certificates
 * are signed first, for one shared key to keep the run short, then recorded the way {@code issueAll}
 * records them, and that step is timed. With {@code full} as the first argument it times whole
 * {@code issueAll} calls instead (a new key per credential). Not a test: run it by hand, e.g.
 * {@code java -cp core/target/classes:core/target/test-classes:BOUNCYCASTLE io.s2mtls.core.usecase.BulkIssueBench 1000 10000 20000}.
 */
public final class BulkIssueBench {
    private BulkIssueBench() {
    }

    public static void main(String[] args) {
        boolean full = args.length > 0 && args[0].equals("full");
        int parallelism = Integer.getInteger("parallelism", 2);
        System.out.printf("%8s %12s %12s %10s%n", "N", full ? "issueAll s" : "signing s", full ? "" : "recording s", "commits");
        for (String arg : full ? List.of(args).subList(1, args.length) : List.of(args)) {
            int n = Integer.parseInt(arg);
            CountingStore store = new CountingStore(new InMemoryCredentialStore(UUID.randomUUID().toString()));
            S2mtls s2mtls = S2mtls.builder(store).build();
            s2mtls.authority().create(DistinguishedName.parse("/CN=Bench CA"), KeySpec.EC_P256, 3650, false);
            List<IssueCommand> commands = IntStream.range(0, n)
                    .mapToObj(i -> IssueCommand.client(DistinguishedName.parse("/O=Bench/CN=user" + i)).withKey(KeySpec.EC_P256))
                    .toList();
            if (full) {
                store.reset();
                long start = System.nanoTime();
                s2mtls.issuance().issueAll(commands, parallelism, done -> { });
                System.out.printf("%8d %12.2f %12s %10d%n", n, (System.nanoTime() - start) / 1e9, "", store.commit.get());
            } else {
                long signStart = System.nanoTime();
                IssuanceUseCase issuance = s2mtls.issuance();
                IssuanceUseCase.Issuer issuer = issuance.issuer(store.index());
                KeyPair shared = KeyPairs.generate(KeySpec.EC_P256, new SecureRandom());
                List<IssuedCertificate> issued = IssuanceUseCase.inParallel(commands, parallelism, done -> { }, command ->
                        issuance.sign(issuer, command.subject(), shared.getPublic(), Optional.of(shared.getPrivate()),
                                command.days(), command.profile(), command.subjectAltNames(), command.effectiveName()));
                double signing = (System.nanoTime() - signStart) / 1e9;
                store.reset();
                long start = System.nanoTime();
                issuance.recordIssued(store.index(), issuer, commands, issued, false);
                double recording = (System.nanoTime() - start) / 1e9;
                System.out.printf("%8d %12.2f %12.3f %10d%n", n, signing, recording, store.commit.get());
            }
            if (store.index().inventory().size() != n) {
                throw new IllegalStateException("expected " + n + " entries, found " + store.index().inventory().size());
            }
        }
    }
}
