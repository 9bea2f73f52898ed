package io.s2mtls.core.usecase;

import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.pki.VerificationResult;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The quickstart sequence: a new CA (RSA 4096, {@value AuthorityUseCase#DEFAULT_DAYS} days, as the manual
 * openssl procedure makes it), one client credential issued from it, and that credential verified against
 * the CA as the server will verify it. What to write where and what to print is the caller's.
 */
public final class QuickstartUseCase {
    private final AuthorityUseCase authority;
    private final IssuanceUseCase issuance;
    private final VerificationUseCase verification;

    QuickstartUseCase(AuthorityUseCase authority, IssuanceUseCase issuance, VerificationUseCase verification) {
        this.authority = requireNonNull(authority, "authority is null");
        this.issuance = requireNonNull(issuance, "issuance is null");
        this.verification = requireNonNull(verification, "verification is null");
    }

    /**
     * What to start with. {@code replace}: replace a CA and a credential of the same name the store
     * already holds.
     */
    public record Request(DistinguishedName caSubject, DistinguishedName clientSubject, KeySpec clientKey, String clientName,
                          boolean replace) {
        public Request {
            requireNonNull(caSubject, "caSubject is null");
            requireNonNull(clientSubject, "clientSubject is null");
            requireNonNull(clientKey, "clientKey is null");
            requireNonNull(clientName, "clientName is null");
        }
    }

    /** The CA made, the client credential issued from it, and the verification it passed. */
    public record Started(CaMaterial ca, IssuedCertificate client, VerificationResult check) {
    }

    public Started start(Request request) {
        CaMaterial ca = authority.create(request.caSubject(), AuthorityUseCase.DEFAULT_KEY, AuthorityUseCase.DEFAULT_DAYS, request.replace());
        IssuedCertificate client = issuance.issue(IssueCommand.client(request.clientSubject()).withKey(request.clientKey())
                .withName(request.clientName()).withReplace(request.replace()));
        VerificationResult check = verification.verify(client.certificate(), List.of(ca.certificate()), true);
        if (!check.isOk()) {
            throw S2mtlsException.internal("the certificate just issued does not verify: " + check.describe(), null);
        }
        return new Started(ca, client, check);
    }
}
