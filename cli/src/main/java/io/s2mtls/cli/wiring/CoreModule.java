package io.s2mtls.cli.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.s2mtls.cli.command.db.Databases;
import io.s2mtls.cli.support.Console;
import io.s2mtls.cli.support.Printer;
import io.s2mtls.cli.support.Secrets;
import io.s2mtls.cli.support.Session;
import io.s2mtls.core.S2mtls;
import io.s2mtls.core.usecase.AuditUseCase;
import io.s2mtls.core.usecase.AuthorityUseCase;
import io.s2mtls.core.usecase.DoctorUseCase;
import io.s2mtls.core.usecase.InventoryUseCase;
import io.s2mtls.core.usecase.IssuanceUseCase;
import io.s2mtls.core.usecase.LifecycleUseCase;
import io.s2mtls.core.usecase.RevocationUseCase;
import io.s2mtls.core.usecase.UsersUseCase;
import io.s2mtls.core.usecase.VerificationUseCase;

/**
 * The core's use cases, over the store the session opens, for commands that are still made by the
 * injector. Providers run only when a command first asks for a use case, after the command line has been
 * parsed; core classes carry no annotations.
 */
public final class CoreModule extends AbstractModule {

    @Provides
    S2mtls core(Session session) {
        return session.core();
    }

    @Provides
    AuthorityUseCase authority(S2mtls core) {
        return core.authority();
    }

    @Provides
    IssuanceUseCase issuance(S2mtls core) {
        return core.issuance();
    }

    @Provides
    VerificationUseCase verification(S2mtls core) {
        return core.verification();
    }

    @Provides
    InventoryUseCase inventory(S2mtls core) {
        return core.inventory();
    }

    @Provides
    LifecycleUseCase lifecycle(S2mtls core) {
        return core.lifecycle();
    }

    @Provides
    UsersUseCase users(S2mtls core) {
        return core.users();
    }

    @Provides
    RevocationUseCase revocation(S2mtls core) {
        return core.revocation();
    }

    @Provides
    DoctorUseCase doctor(S2mtls core) {
        return core.doctor();
    }

    @Provides
    AuditUseCase audit(S2mtls core) {
        return core.audit();
    }

    @Provides
    @Singleton
    Databases databases(Session session, Console console, Secrets secrets, Printer printer) {
        return new Databases(session, console, secrets, printer);
    }
}
