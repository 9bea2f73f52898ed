package io.s2mtls.cli.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s2mtls.adapters.jdbc.testing.TestDatabase;
import io.s2mtls.adapters.jdbc.testing.TestDatabaseExtension;
import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import io.s2mtls.cli.db.DatabaseFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code plan} and {@code apply} know a CA rotation, against the private MariaDB: begun, the plan lists the
 * policy's credentials still on the old CA as waiting for the switch (no change yet); switched, it lists them
 * as reissues and apply performs them under the new CA, after which every user still logs in.
 */
@ExtendWith(TestDatabaseExtension.class)
class RotationPlanCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICY = """
            name: rotation
            defaults:
              key: ec:p256
              days: 365
              host: "%"
              renew-within: 30d
            users:
              - name: rot_reader
                require: subject
                subject: "/O=ExampleOrg/OU=Client/CN=rot_reader"
              - name: rot_batch
                require: x509
            """;

    @TempDir
    Path dir;

    private Run run(TestDatabase db, CliRunner cli, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        if (List.of("plan", "apply", "connect").contains(args[0])) {
            all.addAll(List.of("--ca", db.caFile().toString()));
        }
        return cli.run(all.toArray(String[]::new));
    }

    private static Run exit(int code, Run run) {
        assertEquals(code, run.exit(), run.toString());
        return run;
    }

    @Test
    void planListsTheReissuesOfARotationAndApplyPerformsThemAfterTheSwitch() throws Exception {
        TestDatabase db = TestDatabase.get();
        CliRunner cli = DatabaseFixture.trustedStore(db, dir.resolve("store"), "store password for the rotation plan", "/O=s2mtls rotation/CN=Old CA");
        Files.writeString(cli.directory().resolve("policy.yaml"), POLICY);
        exit(0, run(db, cli, "apply", "-f", "policy.yaml", "--yes"));

        exit(0, cli.run("ca", "rotate", "begin", "--subject", "/O=s2mtls rotation/CN=New CA"));
        exit(0, cli.run("ca", "export", "--bundle", "--out", "bundle.pem"));
        DatabaseFixture.trust(db, Files.readString(cli.directory().resolve("bundle.pem")));
        JsonNode begun = JSON.readTree(exit(0, run(db, cli, "plan", "-f", "policy.yaml", "--output", "json")).out());
        assertFalse(begun.get("changes").asBoolean(), "before the switch nothing is to be done yet: " + begun);
        assertEquals(2, begun.get("rotationReissues").size(), begun.toString());
        assertTrue(begun.at("/rotationReissues/0/afterSwitch").asBoolean(), begun.toString());
        Run begunText = exit(0, run(db, cli, "plan", "-f", "policy.yaml"));
        assertTrue(begunText.out().contains("after 's2mtls ca rotate switch'"), begunText.out());

        exit(0, cli.run("ca", "rotate", "switch"));
        Run switched = exit(1, run(db, cli, "plan", "-f", "policy.yaml"));
        assertTrue(switched.out().contains("CA rotation: certificates to reissue under the new CA (2)"), switched.out());
        assertTrue(switched.out().contains("2 to reissue for the CA rotation"), switched.out());
        JsonNode plan = JSON.readTree(exit(1, run(db, cli, "plan", "-f", "policy.yaml", "--output", "json")).out());
        assertTrue(plan.get("changes").asBoolean());
        assertFalse(plan.at("/rotationReissues/0/afterSwitch").asBoolean(), plan.toString());
        assertEquals("reissue (CA rotation)", plan.at("/rotationReissues/0/action").asText());

        exit(0, run(db, cli, "apply", "-f", "policy.yaml", "--yes"));
        JsonNode after = JSON.readTree(exit(0, run(db, cli, "plan", "-f", "policy.yaml", "--output", "json")).out());
        assertEquals(0, after.get("rotationReissues").size(), after.toString());
        assertEquals(0, JSON.readTree(exit(0, cli.run("ca", "rotate", "status", "--output", "json")).out()).at("/credentials/stillOnOld").asInt());
        for (String user : List.of("rot_reader", "rot_batch")) {
            Run connected = exit(0, run(db, cli, "connect", "--user", user, "--credential", user));
            assertTrue(connected.out().contains("current user: " + user + "@%"), connected.toString());
        }
    }
}
