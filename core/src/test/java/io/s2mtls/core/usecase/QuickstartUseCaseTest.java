package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import io.s2mtls.core.x509.Certificates;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The quickstart sequence from Java: one call makes the CA, issues the client from it and verifies it. */
class QuickstartUseCaseTest {
    @Test
    void oneCallMakesTheCaAndAVerifiedClientCredentialInTheStore() {
        InMemoryCredentialStore store = new InMemoryCredentialStore(UUID.randomUUID().toString());
        S2mtls s2mtls = S2mtls.builder(store).build();
        QuickstartUseCase.Started started = s2mtls.quickstart().start(new QuickstartUseCase.Request(
                DistinguishedName.parse("/O=Example/CN=Quickstart CA"), DistinguishedName.parse("/O=Example/CN=client"),
                KeySpec.EC_P256, "client", false));

        assertTrue(started.check().isOk(), started.check().describe());
        assertEquals("/O=Example/CN=Quickstart CA", Certificates.subjectOf(started.ca().certificate()).oneline());
        assertEquals("RSA", started.ca().certificate().getPublicKey().getAlgorithm(), "the CA is RSA 4096, as the manual procedure makes it");
        assertEquals("/O=Example/CN=client", started.client().entry().subject());
        assertEquals(started.ca().certificate().getSubjectX500Principal(), started.client().certificate().getIssuerX500Principal());
        assertEquals(started.ca().certificate(), s2mtls.authority().show().certificate(), "the CA is the store's");
        assertEquals(List.of("client"), s2mtls.inventory().list().stream().map(e -> e.name()).toList());
    }
}
