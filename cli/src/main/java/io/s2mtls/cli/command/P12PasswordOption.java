package io.s2mtls.cli.command;

import io.s2mtls.cli.support.Secrets;
import picocli.CommandLine.Option;

import java.util.Optional;

/** {@code --p12-password-file}: the password of the NAME.p12 files a command writes (a picocli mixin). */
public final class P12PasswordOption {
    @Option(names = "--p12-password-file", paramLabel = "FILE", description = "Protect NAME.p12 with this password (default: S2MTLS_P12_PASSWORD, else a random one in NAME.p12.pass).")
    String file;

    /** Whether --p12-password-file was given. */
    public boolean given() {
        return file != null;
    }

    /** The given password (file or S2MTLS_P12_PASSWORD); empty: each NAME.p12 gets a random one in NAME.p12.pass. */
    public Optional<char[]> password(Secrets secrets) {
        return CredentialFiles.p12Password(secrets, file);
    }
}
