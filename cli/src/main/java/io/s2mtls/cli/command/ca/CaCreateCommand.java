package io.s2mtls.cli.command.ca;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.command.Views;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.usecase.AuthorityUseCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code s2mtls ca create}: a new CA in the store. */
@Command(name = "create", description = {
        "Create the CA in the store: a new key and a self-signed certificate.",
        "Defaults: an RSA 4096 key, SHA-256 signatures, 3650 days of validity (see --key and --days).",
        "The server trusts it through ssl_ca_for_client_cert (see 'ca export')."},
        footer = {"", "Examples:",
                "  s2mtls ca create --subject '/C=US/O=ExampleOrg/CN=Example-CA'",
                "  s2mtls ca create --subject '/O=ExampleOrg/CN=DB CA' --key ec:p256 --days 1825",
                "  s2mtls ca create --subject '/CN=Vault CA' --key vault-transit:s2mtls-ca --remote-key-type ec:p256 --store vault:secret/s2mtls"})
public final class CaCreateCommand extends BaseCommand {
    @Option(names = "--subject", required = true, paramLabel = "DN",
            description = "The CA's subject, in slash form (/C=US/O=Org/CN=Name) or RFC 2253 (CN=Name,O=Org,C=US).")
    String subject;
    @Option(names = "--key", defaultValue = "rsa:4096", paramLabel = "TYPE",
            description = "rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384, ed25519, or a remote key such as vault-transit:NAME (default: ${DEFAULT-VALUE}).")
    String key;
    @Option(names = "--days", defaultValue = "" + AuthorityUseCase.DEFAULT_DAYS, description = "Validity in days (default: ${DEFAULT-VALUE}).")
    int days;
    @Option(names = "--force", description = "Replace a CA the store already holds. Certificates it issued will no longer verify against the new CA.")
    boolean force;
    @Option(names = "--remote-key-type", paramLabel = "TYPE",
            description = "With a remote key (--key vault-transit:NAME): the type to create it as when it does not exist yet,"
                    + " and to expect when it does: rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384 (default: rsa:4096 for a new key,"
                    + " any type for an existing one).")
    String remoteKeyType;

    @Override
    protected int run() {
        session().allowStoreCreation();
        DistinguishedName dn = DistinguishedName.parse(subject);
        boolean remote = key.contains(":") && !key.startsWith("rsa:") && !key.startsWith("ec:");
        AuthorityUseCase authority;
        AuthorityUseCase.CreateRequest request;
        if (remote) {
            session().remoteSigner(key, true, remoteKeyType == null ? "" : KeySpec.parse(remoteKeyType).label());
            authority = core().authority();
            request = AuthorityUseCase.CreateRequest.remote(dn, key, days, force);
        } else {
            authority = core().authority();
            request = AuthorityUseCase.CreateRequest.local(dn, KeySpec.parse(key), days, force);
        }
        CaMaterial ca = authority.create(request);
        if (remote) {
            printer.note("The CA key stays in " + key.substring(0, key.indexOf(':')) + " (" + key + "); only its certificate is in the store.");
        }
        Views.CaView view = Views.CaView.of(ca, session().storeUri());
        printer.data(view, () -> {
            printer.line("Created CA " + view.certificate().subject());
            view.print(printer);
        });
        return OK;
    }
}
