package io.s2mtls.cli.command.ca;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.command.Views;
import io.s2mtls.core.dn.AttributeValue;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.dn.Rdn;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.AuthoritySet;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.usecase.AuthorityUseCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code s2mtls ca create}: a new CA in the store, or a root and an intermediate under it. */
@Command(name = "create", description = {
        "Create the CA in the store: a new key and a self-signed certificate.",
        "Defaults: an RSA 4096 key, SHA-256 signatures, 3650 days of validity (see --key and --days).",
        "The server trusts it through ssl_ca_for_client_cert (see 'ca export').",
        "With --intermediate: a root CA and an intermediate CA under it, made together. The intermediate (--subject,",
        "--key, --days) issues the client certificates; the root signs only intermediates, so its key can be taken",
        "offline ('ca root export', 'ca root remove') or kept in Vault Transit (--root-remote-key). The root's",
        "subject defaults to --subject with ' Root' appended to its (last) CN, its key to the type of --key (rsa:4096",
        "when --key is remote), its validity to twice --days. Client files then carry the intermediate after the",
        "leaf, and the server bundle ('ca export') holds the intermediate and the root."},
        footer = {"", "Examples:",
                "  s2mtls ca create --subject '/C=US/O=ExampleOrg/CN=Example-CA'",
                "  s2mtls ca create --subject '/O=ExampleOrg/CN=DB CA' --key ec:p256 --days 1825",
                "  s2mtls ca create --subject '/CN=Vault CA' --key vault-transit:s2mtls-ca --remote-key-type ec:p256 --store vault:secret/s2mtls",
                "  s2mtls ca create --intermediate --subject '/O=ExampleOrg/CN=DB Issuing CA' --key ec:p256 --days 730",
                "  s2mtls ca create --intermediate --subject '/O=ExampleOrg/CN=DB Issuing CA' --root-subject '/O=ExampleOrg/CN=DB Root'"
                        + " --root-remote-key vault-transit:db-root --store vault:secret/s2mtls"})
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
    @Option(names = "--intermediate", description = "Make a root CA and, under it, the intermediate CA that issues (the options below are for the root).")
    boolean intermediate;
    @Option(names = "--root-subject", paramLabel = "DN", description = "With --intermediate: the root's subject (default: --subject with ' Root' appended to its CN).")
    String rootSubject;
    @Option(names = "--root-key", paramLabel = "TYPE", description = "With --intermediate: the root's new local key type (default: the type of --key; rsa:4096 when --key is remote).")
    String rootKey;
    @Option(names = "--root-remote-key", paramLabel = "REF", description = "With --intermediate: keep the root's key in a remote signer instead, e.g. vault-transit:db-root.")
    String rootRemoteKey;
    @Option(names = "--root-days", paramLabel = "N", description = "With --intermediate: the root's validity in days (default: twice --days).")
    Integer rootDays;

    /** {@code ca create --intermediate --output json}: both CAs. */
    record CreatedIntermediate(Views.CaView intermediate, Views.CaView root) {
    }

    @Override
    protected int run() {
        if (!intermediate && (rootSubject != null || rootKey != null || rootRemoteKey != null || rootDays != null)) {
            throw S2mtlsException.badInput("--root-subject, --root-key, --root-remote-key and --root-days go with --intermediate");
        }
        if (rootKey != null && rootRemoteKey != null) {
            throw S2mtlsException.badInput("give the root either --root-key TYPE or --root-remote-key REF, not both");
        }
        session().allowStoreCreation();
        DistinguishedName dn = DistinguishedName.parse(subject);
        boolean remote = key.contains(":") && !key.startsWith("rsa:") && !key.startsWith("ec:");
        if (remote) {
            session().remoteSigner(key, true, remoteKeyType == null ? "" : KeySpec.parse(remoteKeyType).label());
        }
        if (intermediate) {
            return createIntermediate(dn, remote);
        }
        AuthorityUseCase.CreateRequest request = remote ? AuthorityUseCase.CreateRequest.remote(dn, key, days, force)
                : AuthorityUseCase.CreateRequest.local(dn, KeySpec.parse(key), days, force);
        CaMaterial ca = core().authority().create(request);
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

    private int createIntermediate(DistinguishedName dn, boolean remote) {
        DistinguishedName root = rootSubject != null ? DistinguishedName.parse(rootSubject) : rootSubjectOf(dn);
        if (root.equals(dn)) {
            throw S2mtlsException.badInput("--root-subject: the root's subject must differ from the intermediate's (--subject)");
        }
        Optional<KeySpec> rootKeySpec = Optional.empty();
        if (rootRemoteKey != null) {
            session().remoteSigner(rootRemoteKey, true, "");
        } else {
            rootKeySpec = Optional.of(rootKey != null ? KeySpec.parse(rootKey) : remote ? AuthorityUseCase.DEFAULT_KEY : KeySpec.parse(key));
        }
        int rootValidity = rootDays != null ? rootDays : Math.multiplyExact(days, 2);
        AuthoritySet created = core().authority().create(new AuthorityUseCase.IntermediateRequest(root, rootKeySpec,
                Optional.ofNullable(rootRemoteKey), rootValidity, dn, remote ? Optional.empty() : Optional.of(KeySpec.parse(key)),
                remote ? Optional.of(key) : Optional.empty(), days, force));
        CaMaterial issuing = created.issuing();
        RootCa top = RootCa.of(created);
        CreatedIntermediate view = new CreatedIntermediate(Views.CaView.of(issuing, session().storeUri()),
                new Views.CaView(Views.CertificateView.of(top.certificate()), top.keyLocation(), session().storeUri()));
        printer.data(view, () -> {
            printer.line("Created root CA " + view.root().certificate().subject() + " and intermediate CA "
                    + view.intermediate().certificate().subject() + " (it issues).");
            printer.line("");
            printer.line("Intermediate CA:");
            view.intermediate().print(printer);
            printer.line("");
            printer.line("Root CA:");
            view.root().print(printer);
            printer.line("");
            printer.line("Next: take the root key offline with 's2mtls ca root export --out root.p12' and 's2mtls ca root remove'.");
        });
        return OK;
    }

    /** The root's certificate and where its key is. */
    private record RootCa(java.security.cert.X509Certificate certificate, String keyLocation) {
        static RootCa of(AuthoritySet set) {
            if (set.root().isPresent()) {
                return new RootCa(set.root().get().certificate(), set.root().get().keyReference().orElse("in the store"));
            }
            List<java.security.cert.X509Certificate> chain = set.issuing().chain();
            return new RootCa(chain.get(chain.size() - 1), "offline (not in the store)");
        }
    }

    /**
     * The default root subject: {@code subject} with " Root" appended to the value of its last CN (kept in its
     * string type when that can hold it, else UTF8String). A subject without a CN needs --root-subject.
     */
    static DistinguishedName rootSubjectOf(DistinguishedName subject) {
        List<Rdn> rdns = new ArrayList<>(subject.rdns());
        for (int i = rdns.size() - 1; i >= 0; i--) {
            List<AttributeValue> values = new ArrayList<>(rdns.get(i).values());
            for (int j = values.size() - 1; j >= 0; j--) {
                AttributeValue value = values.get(j);
                if (value.oid().equals("2.5.4.3")) {
                    int tag = value.tag() == 19 || value.tag() == 12 ? value.tag() : 12;
                    values.set(j, new AttributeValue(value.oid(), tag, (value.text() + " Root").getBytes(
                            tag == 12 ? StandardCharsets.UTF_8 : StandardCharsets.US_ASCII)));
                    rdns.set(i, new Rdn(values));
                    return DistinguishedName.of(rdns);
                }
            }
        }
        throw S2mtlsException.badInput("--subject " + subject.oneline() + ": has no CN to derive the root's subject from; pass --root-subject DN");
    }
}
