package io.s2mtls.cli.bench;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.spi.PluginContext;
import io.s2mtls.core.spi.PluginRegistry;
import io.s2mtls.core.spi.S2mtlsPlugin;
import io.s2mtls.core.spi.StoreLocation;
import io.s2mtls.core.usecase.IssuanceUseCase;
import io.s2mtls.core.usecase.IssueCommand;
import io.s2mtls.core.x509.CertificateRequests;
import io.s2mtls.core.x509.KeyPairs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * In-process throughput of the library over the real PKCS12 store (not a test; run by
 * .ci/bench/issuance.sh): CSR signing with an RSA 4096 CA, and EC P-256 issuance with an EC P-256 CA.
 * Each figure includes parsing and checking every CSR, signing, and the one atomic store write.
 */
public final class IssuanceBenchmark {
    private IssuanceBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int signCount = args.length > 0 ? Integer.parseInt(args[0]) : 600;
        int ecCount = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        int threads = Runtime.getRuntime().availableProcessors();
        Path dir = Files.createTempDirectory("s2mtls-bench");
        PluginRegistry plugins = new PluginRegistry(ServiceLoader.load(S2mtlsPlugin.class));
        PluginContext context = PluginContext.of(Map.of(), Map.of(), () -> "benchmark password".toCharArray());

        // 1. CSRs signed by an RSA 4096 CA
        try (CredentialStore store = open(plugins, context, dir.resolve("rsa.p12"))) {
            S2mtls s2mtls = S2mtls.builder(store).build();
            s2mtls.authority().create(DistinguishedName.parse("/O=bench/CN=RSA 4096 CA"), KeySpec.RSA_4096, 3650, false);
            List<KeyPair> keys = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                keys.add(KeyPairs.generate(KeySpec.RSA_2048, new SecureRandom()));
            }
            List<IssuanceUseCase.SignRequest> warmup = requests(keys, "warm", 100);
            List<IssuanceUseCase.SignRequest> measured = requests(keys, "csr", signCount);
            s2mtls.issuance().signAll(warmup, 365, CertificateProfile.CLIENT, false, threads);
            long start = System.nanoTime();
            s2mtls.issuance().signAll(measured, 365, CertificateProfile.CLIENT, false, threads);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("rsa4096-ca-sign-csr: %d CSRs in %.2f s = %.0f/s on %d threads%n", signCount, seconds, signCount / seconds, threads);
        }

        // 2. EC P-256 credentials (key generation included) from an EC P-256 CA
        try (CredentialStore store = open(plugins, context, dir.resolve("ec.p12"))) {
            S2mtls s2mtls = S2mtls.builder(store).build();
            s2mtls.authority().create(DistinguishedName.parse("/O=bench/CN=P-256 CA"), KeySpec.EC_P256, 3650, false);
            s2mtls.issuance().issueAll(commands("warm", 300), threads, done -> { });
            long start = System.nanoTime();
            s2mtls.issuance().issueAll(commands("user", ecCount), threads, done -> { });
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("ecp256-issue: %d credentials in %.2f s = %.0f/s on %d threads%n", ecCount, seconds, ecCount / seconds, threads);
        }
    }

    private static CredentialStore open(PluginRegistry plugins, PluginContext context, Path file) {
        StoreLocation location = StoreLocation.parse("pkcs12:" + file);
        return plugins.store(location.scheme()).open(location, context);
    }

    private static List<IssuanceUseCase.SignRequest> requests(List<KeyPair> keys, String prefix, int count) {
        List<IssuanceUseCase.SignRequest> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] der = CertificateRequests.create(keys.get(i % keys.size()),
                    DistinguishedName.parse("/O=bench/CN=" + prefix + i)).der();
            requests.add(new IssuanceUseCase.SignRequest(der, prefix + i + ".csr", Optional.empty()));
        }
        return requests;
    }

    private static List<IssueCommand> commands(String prefix, int count) {
        List<IssueCommand> commands = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            commands.add(IssueCommand.client(DistinguishedName.parse("/O=bench/CN=" + prefix + i)).withKey(KeySpec.EC_P256));
        }
        return commands;
    }
}
