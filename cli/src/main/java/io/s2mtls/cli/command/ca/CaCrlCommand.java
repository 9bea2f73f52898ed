package io.s2mtls.cli.command.ca;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.s2mtls.cli.command.db.DatabaseCommand;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Files2;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.core.usecase.LifecycleUseCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code s2mtls ca crl}: the CA's certificate revocation list. */
@Command(name = "crl", description = "Write the CA's certificate revocation list (PEM), valid for 7 days.",
        footer = {"", "Example:", "  s2mtls ca crl --out crl.pem"})
public final class CaCrlCommand extends DatabaseCommand {
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the CRL (overwrites).")
    String out;
    private final Provider<LifecycleUseCase> lifecycle;
    private final Console console;

    @Inject
    CaCrlCommand(Printer printer, Provider<LifecycleUseCase> lifecycle, Console console) {
        super(printer);
        this.lifecycle = lifecycle;
        this.console = console;
    }

    record Written(String file) {
    }

    @Override
    protected int run() {
        Path path = console.path(out);
        Files2.writePublic(path, lifecycle.get().crl(), true);
        printer.data(new Written(path.toString()), () -> printer.line("Wrote " + path));
        return OK;
    }
}
