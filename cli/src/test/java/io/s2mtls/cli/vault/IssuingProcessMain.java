package io.s2mtls.cli.vault;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.CertificateProfile;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.spi.PluginContext;
import io.s2mtls.core.spi.PluginRegistry;
import io.s2mtls.core.spi.S2mtlsPlugin;
import io.s2mtls.core.spi.StoreLocation;
import io.s2mtls.core.usecase.IssueCommand;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A child process for {@link ConcurrentIssuanceTest}: an embedding tool in miniature. It finds the store's
 * plugin with ServiceLoader, builds {@link S2mtls} over the store, prints "ready", waits for a line on
 * standard input, then issues COUNT client certificates one {@code issuance().issue(...)} at a time and
 * prints "done". Arguments: STORE-URI PREFIX COUNT; Vault settings come from the environment.
 */
public final class IssuingProcessMain {
    private IssuingProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        StoreLocation location = StoreLocation.parse(args[0]);
        String prefix = args[1];
        int count = Integer.parseInt(args[2]);
        PluginRegistry plugins = new PluginRegistry(ServiceLoader.load(S2mtlsPlugin.class));
        PluginContext context = PluginContext.of(System.getenv(), Map.of(), () -> {
            throw new IllegalStateException("the Vault store asked for a store password");
        });
        try (CredentialStore store = plugins.store(location.scheme()).open(location, context)) {
            S2mtls s2mtls = S2mtls.builder(store).build();
            System.out.println("ready");
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            for (int i = 0; i < count; i++) {
                s2mtls.issuance().issue(new IssueCommand(DistinguishedName.parse("/O=s2mtls/CN=" + prefix + "-" + i), KeySpec.EC_P256,
                        30, Optional.empty(), CertificateProfile.CLIENT, List.of(), false, false));
            }
            System.out.println("done");
            System.out.flush();
        }
    }
}
