package io.s2mtls.core.usecase;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.dn.DistinguishedName;
import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.KeySpec;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rules every issued certificate follows, whatever the caller asks for. */
class IssuanceRulesTest {

    @Test
    void aCertificateNeverOutlivesItsCa() {
        S2mtls s2mtls = S2mtls.builder(new InMemoryCredentialStore(UUID.randomUUID().toString())).build();
        CaMaterial ca = s2mtls.authority().create(DistinguishedName.parse("/CN=Short CA"), KeySpec.EC_P256, 30, false);
        X509Certificate cert = s2mtls.issuance().issue(IssueCommand.client(DistinguishedName.parse("/CN=long")).withKey(KeySpec.EC_P256).withDays(365)).certificate();
        assertEquals(ca.certificate().getNotAfter(), cert.getNotAfter());
    }

    @Test
    void serialsArePositiveAtLeast64BitsAndNeverRepeat() {
        S2mtls s2mtls = S2mtls.builder(new InMemoryCredentialStore(UUID.randomUUID().toString())).build();
        s2mtls.authority().create(DistinguishedName.parse("/CN=Serial CA"), KeySpec.EC_P256, 30, false);
        List<IssueCommand> commands = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            commands.add(IssueCommand.client(DistinguishedName.parse("/CN=s" + i)).withKey(KeySpec.EC_P256));
        }
        Set<BigInteger> serials = new HashSet<>();
        for (IssuedCertificate issued : s2mtls.issuance().issueAll(commands, 2, done -> { })) {
            BigInteger serial = issued.certificate().getSerialNumber();
            assertTrue(serial.signum() > 0 && serial.bitLength() >= 64 && serial.bitLength() <= 159, serial.toString(16));
            assertTrue(serials.add(serial), "repeated serial " + serial.toString(16));
        }
        assertEquals(500, s2mtls.inventory().list().size());
    }
}
