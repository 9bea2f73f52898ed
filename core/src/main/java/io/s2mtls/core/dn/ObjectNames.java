package io.s2mtls.core.dn;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * OpenSSL's names for object identifiers (the whole {@code openssl list -objects} table): what
 * {@code X509_NAME_oneline} prints for an attribute, and which OID a label such as {@code CN},
 * {@code commonName} or {@code 2.5.4.3} stands for.
 */
public final class ObjectNames {
    private static final Map<String, String> SHORT_BY_OID = new HashMap<>();
    private static final Map<String, String> LONG_BY_OID = new HashMap<>();
    private static final Map<String, String> OID_BY_NAME = new HashMap<>();
    private static final Map<String, Set<String>> OIDS_BY_FOLDED_NAME = new HashMap<>();

    static {
        for (String line : ObjectTable.TEXT.split("\n")) {
            String[] fields = line.split("\t", -1);
            String oid = fields[0];
            String shortName = fields[1];
            String longName = fields[2];
            SHORT_BY_OID.putIfAbsent(oid, shortName);
            LONG_BY_OID.putIfAbsent(oid, longName);
            // OBJ_txt2obj looks short names up before long names.
            OID_BY_NAME.putIfAbsent(shortName, oid);
        }
        for (String line : ObjectTable.TEXT.split("\n")) {
            String[] fields = line.split("\t", -1);
            OID_BY_NAME.putIfAbsent(fields[2], fields[0]);
        }
        OID_BY_NAME.forEach((name, oid) -> OIDS_BY_FOLDED_NAME
                .computeIfAbsent(name.toLowerCase(Locale.ROOT), key -> new LinkedHashSet<>()).add(oid));
    }

    private ObjectNames() {
    }

    /** OpenSSL's short name for {@code oid} ({@code CN} for 2.5.4.3), if it has one. */
    public static Optional<String> shortName(String oid) {
        return Optional.ofNullable(SHORT_BY_OID.get(requireNonNull(oid, "oid is null")));
    }

    /** OpenSSL's long name for {@code oid} ({@code commonName} for 2.5.4.3), if it has one. */
    public static Optional<String> longName(String oid) {
        return Optional.ofNullable(LONG_BY_OID.get(requireNonNull(oid, "oid is null")));
    }

    /**
     * The label {@code X509_NAME_oneline} prints: the short name, else the dotted OID cut to 79
     * characters as OpenSSL's 80-byte buffer does.
     */
    public static String onelineLabel(String oid) {
        String shortName = SHORT_BY_OID.get(requireNonNull(oid, "oid is null"));
        if (shortName != null) {
            return shortName;
        }
        return oid.length() > 79 ? oid.substring(0, 79) : oid;
    }

    /**
     * The OID a label names: a short or long name matched case-sensitively first ({@code uid} and
     * {@code UID} are different attributes), then case-insensitively when only one OID fits, or a
     * dotted OID. Empty when the label names nothing.
     */
    public static Optional<String> oidOf(String label) {
        requireNonNull(label, "label is null");
        String exact = OID_BY_NAME.get(label);
        if (exact != null) {
            return Optional.of(exact);
        }
        Set<String> folded = OIDS_BY_FOLDED_NAME.get(label.toLowerCase(Locale.ROOT));
        if (folded != null && folded.size() == 1) {
            return Optional.of(folded.iterator().next());
        }
        if (Der.encodeOid(label) != null) {
            return Optional.of(label);
        }
        return Optional.empty();
    }

    /** True when {@code label} matches several OIDs that differ only in letter case (such as {@code Uid}). */
    static boolean ambiguous(String label) {
        Set<String> folded = OIDS_BY_FOLDED_NAME.get(label.toLowerCase(Locale.ROOT));
        return !OID_BY_NAME.containsKey(label) && folded != null && folded.size() > 1;
    }

    /** Every OID in the table with its short name, in OpenSSL's order. */
    public static Map<String, String> shortNames() {
        Map<String, String> all = new LinkedHashMap<>();
        for (String line : ObjectTable.TEXT.split("\n")) {
            String[] fields = line.split("\t", -1);
            all.putIfAbsent(fields[0], fields[1]);
        }
        return all;
    }
}
