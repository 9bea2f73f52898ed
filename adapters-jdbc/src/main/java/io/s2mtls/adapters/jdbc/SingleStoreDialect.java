package io.s2mtls.adapters.jdbc;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.user.PrivilegeGrant;
import io.s2mtls.core.user.TlsRequirement;

/**
 * SingleStore: {@code REQUIRE {SSL | X509 | SUBJECT '...' | NONE}}; no ISSUER or CIPHER; REQUIRE SUBJECT
 * from 9.0 and REQUIRE X509 from 9.0.1. The server documents no way to read a requirement back.
 */
final class SingleStoreDialect extends SqlDialect {
    private final Version version;

    SingleStoreDialect(boolean noBackslashEscapes, Version version) {
        super(noBackslashEscapes);
        this.version = version;
    }

    @Override
    String name() {
        return "singlestore";
    }

    @Override
    void check(TlsRequirement requirement) {
        if (requirement instanceof TlsRequirement.X509) {
            gate(new Version(9, 0, 1), "REQUIRE X509");
        } else if (requirement instanceof TlsRequirement.Subject subject) {
            gate(new Version(9, 0, 0), "REQUIRE SUBJECT");
            checkOneline(subject.oneline(), "subject");
        } else if (requirement instanceof TlsRequirement.Issuer) {
            throw S2mtlsException.badInput("REQUIRE ISSUER: SingleStore has no"
                    + " ISSUER requirement; use REQUIRE SUBJECT, and let the server's ssl_ca_for_client_cert decide the issuer");
        }
    }

    /**
     * SingleStore documents that wildcards in a {@code db.*} grant apply only when the name starts with
     * {@code #} ({@code GRANT ... ON `#app_%`.*}); a name without it is compared exactly. So a literal name is
     * sent as it is, and refused when it starts with {@code #} (SingleStore would read it as a pattern); a
     * pattern is sent as written (write the {@code #} yourself).
     */
    @Override
    String databasePattern(PrivilegeGrant grant) {
        String name = grant.database().orElseThrow();
        if (!grant.databasePattern() && name.startsWith("#")) {
            throw S2mtlsException.badInput("--grant: '" + grant + "': SingleStore reads a database name starting with '#' as a"
                    + " pattern, so this grant could reach other databases; rename the database or allow patterns (--grant-patterns)");
        }
        return name;
    }

    private void gate(Version minimum, String what) {
        if (version.compareTo(minimum) < 0) {
            throw S2mtlsException.badInput(what + " needs SingleStore " + minimum + " or later; this server is "
                    + version + " and accepts only REQUIRE SSL or REQUIRE NONE. Upgrade the server, or use --ssl");
        }
    }

    /** A dotted version, compared numerically; missing parts count as 0. */
    record Version(int major, int minor, int patch) implements Comparable<Version> {
        static Version parse(String text) {
            String[] parts = text.trim().split("[^0-9]+");
            int[] numbers = new int[3];
            int found = 0;
            for (String part : parts) {
                if (!part.isEmpty() && found < 3) {
                    numbers[found++] = Integer.parseInt(part.length() > 9 ? part.substring(0, 9) : part);
                }
            }
            return new Version(numbers[0], numbers[1], numbers[2]);
        }

        @Override
        public int compareTo(Version other) {
            int c = Integer.compare(major, other.major);
            c = c != 0 ? c : Integer.compare(minor, other.minor);
            return c != 0 ? c : Integer.compare(patch, other.patch);
        }

        @Override
        public String toString() {
            return major + "." + minor + "." + patch;
        }
    }
}
