package io.s2mtls.cli.policy;

import io.s2mtls.cli.command.policy.PolicyFile;
import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.policy.Policy;
import io.s2mtls.core.policy.PolicyUser;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The policy file bound with Jackson: what it reads, and every refusal with file:line:column, without a server. */
class PolicyFileTest {
    static final String EXACT_POLICY = PolicyCommandsTest.EXACT_POLICY;

    @Test
    void theExactPolicyIsBound() {
        Policy policy = PolicyFile.parse(EXACT_POLICY, "policy.yaml");
        assertEquals("exact", policy.name());
        assertEquals(Duration.ofDays(30), policy.defaults().renewWithin());
        assertEquals(365, policy.defaults().days());
        assertEquals(2, policy.users().size());
        PolicyUser reader = policy.users().get(0);
        assertEquals("app_reader", reader.account().name());
        assertEquals(PolicyUser.Requirement.SUBJECT, reader.require());
        assertEquals("/O=ExampleOrg/OU=Client/CN=app_reader", reader.subject().oneline());
        assertEquals(1, reader.grants().size());
        assertEquals(PolicyUser.Requirement.X509, policy.users().get(1).require());
        assertEquals("/CN=batch_job", policy.users().get(1).subject().oneline());
        assertFalse(policy.users().get(1).adopt());
        assertTrue(PolicyFile.parse("name: n\nusers:\n", "p.yaml").users().isEmpty());
    }

    /** The refusals {@code PolicyCommandsTest} checks too ({@link RefusedPolicies}), here without a server, plus what the binding adds. */
    static final String[][] CASES = Stream.of(new String[][] {
            {RefusedPolicies.GRANTS_MISSPELT, "policy.yaml:11:5: unknown key 'users[0].grnts'; known: adopt, allow-admin-privileges, credential"},
            {RefusedPolicies.APP_READER_TWICE, "policy.yaml:8:3: users: user 'app_reader'@'%' is listed twice"},
    }, RefusedPolicies.ALIKE, new String[][] {
            // what the binding adds: wrong shapes, missing names, empty values and repeated keys, each at its place
            {EXACT_POLICY.replace("  - name: batch_job\n", "  - require: x509\n").replace("    require: x509\n    grants", "    grants"),
                    "policy.yaml:12:5: users[1]: 'name' is missing"},
            {EXACT_POLICY.replace("    require: subject\n", "    require: {x: y}\n"), "policy.yaml:9:14: users[0].require: expected a single value, not a mapping"},
            {EXACT_POLICY.replace("grants: [\"SELECT ON appdb.*\"]", "grants: \"SELECT ON appdb.*\""), "policy.yaml:11:13: users[0].grants: expected a list"},
            {"name: n\nusers: many\n", "policy.yaml:2:8: users: expected a list"},
            {"name: n\nusers:\n  - just-a-name\n", "policy.yaml:3:5: users[0]: expected a mapping (key: value lines)"},
            {"name: n\ndefaults:\nusers: []\n", "policy.yaml:2:10: defaults: expected a mapping (key: value lines)"},
            {"- a\n- b\n", "policy.yaml:1:1: the policy: expected a mapping (key: value lines)"},
            {"name: n\nusers:\n  - name: a\n    require:\n", "policy.yaml:4:13: users[0].require: '' is not x509 or subject"},
            {"name: n\nname: m\nusers: []\n", "policy.yaml:2:5: key 'name' is given twice"},
            {"name: n\n", "policy.yaml:1:1: the policy has no 'users:' list"},
            {"", "policy.yaml: the policy file is empty"},
    }).flatMap(Arrays::stream).toArray(String[][]::new);

    @Test
    void everyRefusalNamesFileLineAndColumn() {
        for (String[] c : CASES) {
            S2mtlsException e = assertThrows(S2mtlsException.class, () -> PolicyFile.parse(c[0], "policy.yaml"), c[1]);
            assertEquals(ErrorKind.BAD_INPUT, e.kind());
            assertTrue(e.getMessage().startsWith(c[1]), "expected '" + c[1] + "' at the start of: " + e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
    }

    @Test
    void nothingIsReadFromKeysThatAreNotThere() {
        Policy policy = PolicyFile.parse("name: n\nusers:\n  - name: a\n    require: x509\n", "p.yaml");
        assertEquals(List.of(), policy.users().get(0).grants());
        assertEquals("a", policy.users().get(0).credential());
        assertEquals("%", policy.users().get(0).account().host());
    }
}
