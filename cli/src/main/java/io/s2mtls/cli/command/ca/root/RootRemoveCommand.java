package io.s2mtls.cli.command.ca.root;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.core.pki.Authorities;
import io.s2mtls.core.x509.Certificates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.security.cert.X509Certificate;
import java.util.List;

/** {@code s2mtls ca root remove}: the root's key out of the store. */
@Command(name = "remove", header = "Take the root CA's key out of the store (the certificate stays in the chain).", description = {
        "Remove the root CA's key from the store; the root certificate stays in the intermediate's chain, so",
        "bundles and client files are unchanged. A root held by a remote signer has only its reference removed.",
        "Refused (exit 2) unless the root was exported ('ca root export') since it was stored, or --force.",
        "Afterwards 'ca rotate begin --root-file FILE' signs the next intermediate with the exported root."},
        footer = {"", "Example:", "  s2mtls ca root export --out root.p12 --password-file root.pass && s2mtls ca root remove"})
public final class RootRemoveCommand extends BaseCommand {
    @Option(names = "--force", description = "Remove the key even though it was never exported: nothing can sign a new intermediate afterwards.")
    boolean force;

    record Removed(String root, String issuing, boolean rootKeyInStore) {
    }

    @Override
    protected int run() {
        Authorities authorities = core().authority().removeRoot(force);
        List<X509Certificate> chain = authorities.issuing().chain();
        String root = chain.isEmpty() ? "" : Certificates.subjectOf(chain.get(chain.size() - 1)).oneline();
        Removed removed = new Removed(root, Certificates.subjectOf(authorities.issuing().certificate()).oneline(), authorities.root().isPresent());
        printer.data(removed, () -> printer.line("Removed the key of the root CA " + root + " from the store; "
                + removed.issuing() + " still issues. The root is offline now."));
        return OK;
    }
}
