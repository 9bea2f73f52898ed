package io.s2mtls.cli.policy;

/**
 * Broken versions of the policy ({@link PolicyCommandsTest#EXACT_POLICY}) that must be refused both by the
 * command line against a server ({@code PolicyCommandsTest}) and by the file binding alone ({@code PolicyFileTest}),
 * with where and why.
 */
final class RefusedPolicies {
    private static final String EXACT_POLICY = PolicyCommandsTest.EXACT_POLICY;

    /** app_reader's {@code grants} misspelt (line 11, column 5); each test expects its own wording of the refusal. */
    static final String GRANTS_MISSPELT = EXACT_POLICY.replace("    grants: [\"SELECT ON appdb.*\"]", "    grnts: [\"SELECT ON appdb.*\"]");

    /** app_reader listed a second time, at the end; each test expects its own wording of the refusal. */
    static final String APP_READER_TWICE = EXACT_POLICY + "  - name: app_reader\n    require: x509\n";

    /** Broken versions and the start of the refusal, the same from both: {policy text, file:line:column: message}. */
    static final String[][] ALIKE = {
            {EXACT_POLICY.replace("days: 365", "days: many"), "policy.yaml:4:9: defaults.days: 'many' is not a whole number"},
            {EXACT_POLICY.replace("key: ec:p256", "key: ec:p999"), "policy.yaml:3:8: defaults.key:"},
            {EXACT_POLICY.replace("renew-within: 30d", "renew-within: soon"), "policy.yaml:6:17: defaults.renew-within: 'soon' is not a duration"},
            {EXACT_POLICY.replace("require: x509", "require: password"), "policy.yaml:13:14: users[1].require: 'password' is not x509 or subject"},
            {EXACT_POLICY.replace("\"SELECT, INSERT ON appdb.*\"", "\"SELECT; DROP ON appdb.*\""), "policy.yaml:14:14: users[1].grants[0]:"},
            {EXACT_POLICY.replace("defaults:", "defaultz:"), "policy.yaml:2:1: unknown key 'defaultz'"},
            {EXACT_POLICY.replace("    require: x509\n", ""), "policy.yaml:12:5: users[1].require: missing"},
            {"users: [\n", "policy.yaml:1:9: not valid YAML: while parsing a flow node"},
            {EXACT_POLICY.replace("name: exact\n", ""), "policy.yaml:1:1: the policy has no 'name:'; add one at the top, e.g. 'name: payments-prod'"},
            {EXACT_POLICY.replace("name: exact", "name: \" exact\""), "policy.yaml:1:7: name: ' exact' begins or ends with a space"},
            {EXACT_POLICY.replace("name: exact", "name: \"\""), "policy.yaml:1:7: name: the policy has no name"},
            {EXACT_POLICY.replace("name: exact", "name: \"tab\\there\""), "policy.yaml:1:7: name: contains the unprintable character U+0009"},
            {EXACT_POLICY.replace("name: exact", "name: " + "x".repeat(65)), "policy.yaml:1:7: name: 'xxxxxxxxxxxxxxxxxxxx...' is longer than 64"},
            {EXACT_POLICY.replace("name: exact", "name: [a, b]"), "policy.yaml:1:7: name: expected a single value, not a list"},
            {EXACT_POLICY.replace("  host: \"%\"", "  host: &h \"%\"").replace("  - name: batch_job", "  - name: *h"),
                    "policy.yaml:5:9: YAML anchors ('&h') are not allowed in a policy file"},
            {EXACT_POLICY.replace("    require: x509", "    <<: {require: x509}"),
                    "policy.yaml:13:5: YAML merge keys ('<<:') are not allowed in a policy file"},
            {EXACT_POLICY.replace("  - name: app_reader", "  - &reader\n    name: app_reader") + "  - <<: *reader\n    name: other\n",
                    "policy.yaml:8:5: YAML anchors ('&reader') are not allowed in a policy file"},
            {EXACT_POLICY.replace("  - name: batch_job", "  - name: *undefined"), "policy.yaml:12:11: YAML aliases ('*undefined') are not allowed"},
            {EXACT_POLICY.replace("    require: x509", "    require: x509\n    adopt: maybe"), "policy.yaml:14:12: users[1].adopt: 'maybe' is not true or false"},
    };

    private RefusedPolicies() {
    }
}
