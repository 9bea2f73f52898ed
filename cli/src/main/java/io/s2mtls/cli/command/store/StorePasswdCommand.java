package io.s2mtls.cli.command.store;

import io.s2mtls.cli.command.BaseCommand;
import io.s2mtls.cli.support.Secrets;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.spi.StoreLocation;
import io.s2mtls.core.usecase.InventoryUseCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** {@code s2mtls store passwd}: the store re-encrypted under a new password. */
@Command(name = "passwd", header = "Change the store password.", description = {
        "Re-encrypts the store under a new password in one atomic write, under the store lock, after",
        "checking the current one. The current password comes as for every command (--store-password-file,",
        "S2MTLS_STORE_PASSWORD, or a prompt); the new one from --new-password-file, else",
        "S2MTLS_NEW_STORE_PASSWORD, else a prompt typed twice; never from a plain argument.",
        "The new password must have at least " + InventoryUseCase.MIN_STORE_PASSWORD_LENGTH
                + " characters and differ from the current one. The change is recorded in the audit trail",
        "as store.passwd. Any command still using the old password afterwards gets 'wrong store password'.",
        "Only pkcs12: stores have a store password; a vault: store is protected by Vault itself."},
        footer = {"", "Examples:",
                "  s2mtls store passwd --store-password-file old.pass --new-password-file new.pass",
                "  S2MTLS_STORE_PASSWORD=... S2MTLS_NEW_STORE_PASSWORD=... s2mtls store passwd --store pkcs12:/srv/s2mtls.p12"})
public final class StorePasswdCommand extends BaseCommand {
    /** Where the new store password comes from when --new-password-file is not given. */
    public static final String NEW_PASSWORD_ENV = "S2MTLS_NEW_STORE_PASSWORD";

    @Option(names = "--new-password-file", paramLabel = "FILE",
            description = "The new store password (one trailing newline is ignored). Otherwise env "
                    + NEW_PASSWORD_ENV + ", otherwise a prompt on a terminal, typed twice.")
    String newPasswordFile;

    @Override
    protected int run() {
        String store = session().storeUri();
        if ("vault".equals(StoreLocation.parse(store).scheme())) {
            throw S2mtlsException.badInput("--store " + store + ": a Vault store has no store password to change;"
                    + " access to it is governed by the Vault token and its policies (rotate the token instead)");
        }
        char[] current = secrets().storePassword();
        char[] next = newPassword();
        try {
            if (Arrays.equals(current, next)) {
                throw S2mtlsException.badInput("the new store password is the same as the current one; nothing was changed");
            }
            core().inventory().changeStorePassword(next);
        } finally {
            Arrays.fill(current, '\0');
            Arrays.fill(next, '\0');
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("store", store);
        result.put("passwordChanged", true);
        printer.data(result, () -> printer.line("Changed the store password of " + store
                + ". From now on give the new one (--store-password-file FILE or " + Secrets.STORE_PASSWORD_ENV + ")."));
        return OK;
    }

    private char[] newPassword() {
        if (newPasswordFile != null) {
            return secrets().readFile(newPasswordFile, "--new-password-file");
        }
        Optional<String> fromEnv = console().env(NEW_PASSWORD_ENV);
        if (fromEnv.isPresent()) {
            return fromEnv.get().toCharArray();
        }
        if (console().terminal().isPresent()) {
            java.io.Console terminal = console().terminal().get();
            char[] first = terminal.readPassword("New store password: ");
            char[] second = terminal.readPassword("New store password again: ");
            if (first == null || second == null || first.length == 0) {
                throw S2mtlsException.badInput("no new store password was typed; nothing was changed");
            }
            boolean same = Arrays.equals(first, second);
            Arrays.fill(second, '\0');
            if (!same) {
                Arrays.fill(first, '\0');
                throw S2mtlsException.badInput("the two new store passwords typed differ; nothing was changed, try again");
            }
            return first;
        }
        throw S2mtlsException.badInput("no new store password: pass --new-password-file FILE, set " + NEW_PASSWORD_ENV
                + ", or run on a terminal to be prompted");
    }
}
