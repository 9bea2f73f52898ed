package io.s2mtls.core.user;

/**
 * What a grant specification may ask for beyond the safe default ({@link #STRICT}).
 *
 * @param patterns        a {@code db.*} grant's database name is a server pattern ({@code _} one character,
 *                        {@code %} any characters, {@code \} escapes), passed to the server as written;
 *                        otherwise it is a literal name and reaches that database only
 * @param adminPrivileges privileges that let the account manage other accounts or the grant tables
 *                        (see {@link PrivilegeGrant}) are accepted; otherwise they are refused
 */
public record GrantRules(boolean patterns, boolean adminPrivileges) {
    /** Literal database names, no administrative privileges. */
    public static final GrantRules STRICT = new GrantRules(false, false);

    /** How the server itself reads a grant it shows: database names of {@code db.*} grants are patterns. */
    public static final GrantRules SERVER = new GrantRules(true, true);
}
