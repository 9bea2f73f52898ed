package io.s2mtls.core.dn;

import io.s2mtls.core.testing.ExternalTool;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ObjectNamesTest {

    @Test
    void knowsOpensslsNames() {
        assertEquals(Optional.of("CN"), ObjectNames.shortName("2.5.4.3"));
        assertEquals(Optional.of("commonName"), ObjectNames.longName("2.5.4.3"));
        assertEquals(Optional.of("emailAddress"), ObjectNames.shortName("1.2.840.113549.1.9.1"));
        assertEquals(Optional.of("UID"), ObjectNames.shortName("0.9.2342.19200300.100.1.1"));
        assertEquals(Optional.of("uid"), ObjectNames.shortName("0.9.2342.19200300.100.1.44"));
        assertEquals(Optional.of("0.9.2342.19200300.100.1.1"), ObjectNames.oidOf("UID"));
        assertEquals(Optional.of("0.9.2342.19200300.100.1.44"), ObjectNames.oidOf("uid"));
        assertEquals(Optional.empty(), ObjectNames.oidOf("Uid"));
        assertEquals(Optional.of("2.5.4.3"), ObjectNames.oidOf("commonname"));
        assertEquals(Optional.of("1.2.3.4"), ObjectNames.oidOf("1.2.3.4"));
        assertEquals(Optional.empty(), ObjectNames.oidOf("nonsense"));
        assertEquals("1.2.3.4", ObjectNames.onelineLabel("1.2.3.4"));
        assertTrue(ObjectNames.shortNames().size() > 1000);
    }

    /** The committed table is the one the installed openssl prints (regenerate with core/src/test/scripts). */
    @Test
    void tableMatchesTheInstalledOpenssl() {
        String listing = ExternalTool.openssl("list", "-objects").out();
        Map<String, String> table = ObjectNames.shortNames();
        int checked = 0;
        for (String line : listing.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String shortName = line.substring(0, line.indexOf(" = "));
            String rest = line.substring(line.indexOf(" = ") + 3);
            String oid = rest.matches("[0-9.]+") ? rest : rest.substring(rest.lastIndexOf(", ") + 2);
            if (oid.endsWith(".")) {
                continue; // openssl list cuts a few long OIDs short
            }
            assertTrue(table.containsKey(oid), oid);
            if (table.get(oid).equals(shortName)) {
                checked++;
            }
        }
        assertTrue(checked > 1000, "only " + checked + " objects agree");
    }
}
