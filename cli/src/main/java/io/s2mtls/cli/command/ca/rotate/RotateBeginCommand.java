package io.s2mtls.cli.command.ca.rotate;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.command.ca.root.RootExportCommand;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.usecase.AuthorityUseCase;
import io.s2mtls.core.usecase.RotationStatus;
import io.s2mtls.core.usecase.RotationUseCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/** {@code s2mtls ca rotate begin}: the next CA, trusted beside the current one, which still issues. */
@Command(name = "begin", header = "Make the next CA; servers trust both, the current CA still issues.", description = {
        "Make the next CA and keep it beside the current one, which still issues every new certificate.",
        "Under a root (a CA made with 'ca create --intermediate'), the next CA is a new intermediate signed by the",
        "same root: by the root key in the store (or its remote key), or, when the root was exported and removed,",
        "by the root in --root-file, which is read for this command only and never stored.",
        "Unset parts are copied from the current CA: its subject, key type and validity.",
        "Then deploy both CAs to every server ('s2mtls ca export --bundle --out FILE', then reload or restart)",
        "and run 's2mtls ca rotate switch'. Refused (exit 2) while a rotation is already under way."},
        footer = {"", "Examples:",
                "  s2mtls ca rotate begin",
                "  s2mtls ca rotate begin --subject '/O=ExampleOrg/CN=Example-CA 2027' --key ec:p256 --days 1825",
                "  s2mtls ca rotate begin --remote-key vault-transit:ca-2027 --store vault:secret/s2mtls",
                "  S2MTLS_ROOT_PASSWORD=... s2mtls ca rotate begin --root-file root.p12"})
public final class RotateBeginCommand extends BaseCommand {
    @Option(names = "--subject", paramLabel = "DN", description = "The next CA's subject (default: the current CA's subject).")
    String subject;
    @Option(names = "--key", paramLabel = "TYPE", description = "A new local key: rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384, ed25519"
            + " (default: the current CA's key type).")
    String key;
    @Option(names = "--remote-key", paramLabel = "REF", description = "A key held by a remote signer instead, e.g. vault-transit:ca-2027"
            + " (made when it does not exist yet).")
    String remoteKey;
    @Option(names = "--remote-key-type", paramLabel = "TYPE", description = "With --remote-key: the type to create it as (default: rsa:4096 for a new key).")
    String remoteKeyType;
    @Option(names = "--days", paramLabel = "N", description = "Validity in days (default: the current CA's validity).")
    Integer days;
    @Option(names = "--root-file", paramLabel = "FILE", description = "The offline root (the PKCS#12 file of 'ca root export'), when the store holds no root key.")
    String rootFile;
    @Option(names = "--root-password-file", paramLabel = "FILE", description = "The password of --root-file (else env "
            + RootExportCommand.ROOT_PASSWORD_ENV + ", else a prompt).")
    String rootPasswordFile;

    @Override
    protected int run() {
        if (key != null && remoteKey != null) {
            throw S2mtlsException.badInput("give either --key TYPE or --remote-key REF, not both");
        }
        if (remoteKeyType != null && remoteKey == null) {
            throw S2mtlsException.badInput("--remote-key-type goes with --remote-key REF");
        }
        if (rootPasswordFile != null && rootFile == null) {
            throw S2mtlsException.badInput("--root-password-file goes with --root-file FILE");
        }
        Optional<DistinguishedName> dn = Optional.ofNullable(subject).map(DistinguishedName::parse);
        Optional<KeySpec> keySpec = Optional.ofNullable(key).map(KeySpec::parse);
        Optional<AuthorityUseCase.ImportSource> offlineRoot = Optional.empty();
        if (rootFile != null) {
            Path file = console().path(rootFile);
            byte[] data = Files2.read(file, "--root-file");
            char[] password = secrets().optional(Optional.ofNullable(rootPasswordFile), "--root-password-file", RootExportCommand.ROOT_PASSWORD_ENV)
                    .or(() -> console().terminal().map(t -> t.readPassword("Password of the root file %s: ", file)))
                    .orElseThrow(() -> S2mtlsException.badInput("--root-file " + file + ": no password; pass --root-password-file FILE or set "
                            + RootExportCommand.ROOT_PASSWORD_ENV));
            offlineRoot = Optional.of(new AuthorityUseCase.Pkcs12File(data, file.toString(), password));
        }
        if (remoteKey != null) {
            session().remoteSigner(remoteKey, true, remoteKeyType == null ? "" : KeySpec.parse(remoteKeyType).label());
        }
        RotationStatus status;
        try {
            status = core().rotation().begin(new RotationUseCase.BeginRequest(dn, keySpec, Optional.ofNullable(remoteKey),
                    days == null ? OptionalInt.empty() : OptionalInt.of(days), offlineRoot));
        } finally {
            offlineRoot.ifPresent(root -> java.util.Arrays.fill(((AuthorityUseCase.Pkcs12File) root).password(), '\0'));
        }
        RotationView.print(printer, "begin", "Began a CA rotation: the new CA is in the store; the old CA still issues.", status);
        return OK;
    }
}
