package io.s2mtls.cli.command.ca;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.command.Views;
import picocli.CommandLine.Command;

/** {@code s2mtls ca show}: the CA held in the store. */
@Command(name = "show", description = "Show the CA held in the store.")
public final class CaShowCommand extends BaseCommand {
    @Override
    protected int run() {
        Views.CaView view = Views.CaView.of(core().authority().show(), session().storeUri());
        printer.data(view, () -> view.print(printer));
        return OK;
    }
}
