package io.s2mtls.cli.plugin;

import io.s2mtls.core.error.ErrorKind;
import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.port.CredentialStore;
import io.s2mtls.core.port.MtlsLogin;
import io.s2mtls.core.port.RemoteSigner;
import io.s2mtls.core.port.UserDirectory;
import io.s2mtls.core.spi.CredentialStoreProvider;
import io.s2mtls.core.spi.PluginContext;
import io.s2mtls.core.spi.PluginOptions;
import io.s2mtls.core.spi.PluginProvider;
import io.s2mtls.core.spi.PluginRegistry;
import io.s2mtls.core.spi.RemoteSignerProvider;
import io.s2mtls.core.spi.S2mtlsPlugin;
import io.s2mtls.core.spi.StoreLocation;
import io.s2mtls.core.spi.UserDirectoryProvider;
import io.s2mtls.core.user.DatabaseTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three provider kinds share one shape ({@link PluginProvider}) and the host treats them alike: an
 * option a provider does not list is refused before anything is opened, with the same message for every
 * kind, and a sensitive option's value never reaches a message.
 */
class PluginProvidersTest {
    private static final String SECRET = "s3cr3t-t0ken-value";
    private static final PluginRegistry BUNDLED = new PluginRegistry(ServiceLoader.load(S2mtlsPlugin.class));

    private static PluginContext context(Map<String, String> options) {
        return PluginContext.of(Map.of(), options, () -> "pw".toCharArray());
    }

    private static final java.security.cert.X509Certificate SERVER_CA =
            io.s2mtls.adapters.jdbc.testing.TestAuthority.create("CN=Provider Test CA").certificate();

    /** A server nobody listens on: the option check comes before any connection. */
    private static DatabaseTarget target() {
        return DatabaseTarget.withPassword("jdbc:singlestore://127.0.0.1:1/", "admin", "pw".toCharArray(), List.of(SERVER_CA));
    }

    @Test
    void everyBundledProviderHasTheSharedShape() {
        List<PluginProvider> all = new ArrayList<>();
        all.add(BUNDLED.store("pkcs12"));
        all.add(BUNDLED.store("vault"));
        all.add(BUNDLED.signer("vault-transit"));
        all.add(BUNDLED.directory("singlestore"));
        for (PluginProvider provider : all) {
            assertFalse(provider.description().isBlank(), provider.scheme());
            assertFalse(provider.description().equals("the " + provider.scheme() + " plugin"),
                    provider.scheme() + " keeps the default description; a bundled provider says what it serves");
            assertTrue(provider.optionNames().containsAll(provider.sensitiveOptions()), provider.scheme());
        }
        assertEquals(BUNDLED.store("vault").optionNames(), BUNDLED.signer("vault-transit").optionNames(),
                "the Transit signer is reached with the Vault store's settings");
        assertEquals(Set.of("dialect"), BUNDLED.directory("singlestore").optionNames());
    }

    @Test
    void anUnknownOptionIsRefusedTheSameWayForEveryKind() {
        Map<String, String> colour = Map.of("colour", "blue");
        String vaultOptions = "addr, approle-mount, cacert, namespace, role-id-file, secret-id-file, token-file, transit-mount";
        refused("--store-option: the pkcs12 store does not know colour; it accepts: none",
                () -> BUNDLED.openStore(StoreLocation.parse("pkcs12:/nonexistent/s.p12"), context(colour)));
        refused("--store-option: the vault store does not know colour; it accepts: " + vaultOptions,
                () -> BUNDLED.openStore(StoreLocation.parse("vault:secret/s2mtls"), context(colour)));
        refused("--store-option: the vault-transit remote key does not know colour; it accepts: " + vaultOptions,
                () -> PluginRegistry.open(BUNDLED.signer("vault-transit"), "ca", false, "", context(colour)));
        refused("database option: the singlestore database does not know colour; it accepts: dialect",
                () -> PluginRegistry.open(BUNDLED.directory("singlestore"), target(), context(colour)));
        refused("database option: the singlestore database does not know colour; it accepts: dialect",
                () -> PluginRegistry.mtlsLogin(BUNDLED.directory("singlestore"), context(colour)));
    }

    @Test
    void theProvidersThemselvesRefuseUnknownOptionsWhenCalledDirectly() {
        // embedding tools may call open() without the registry: the bundled providers check with the same words
        Map<String, String> colour = Map.of("colour", "blue");
        refused("--store-option: the pkcs12 store does not know colour; it accepts: none",
                () -> BUNDLED.store("pkcs12").open(StoreLocation.parse("pkcs12:/nonexistent/s.p12"), context(colour)));
        refused("--store-option: the vault-transit remote key does not know colour",
                () -> BUNDLED.signer("vault-transit").open("ca", false, "", context(colour)));
        refused("database option: the singlestore database does not know colour; it accepts: dialect",
                () -> BUNDLED.directory("singlestore").open(target(), context(colour)));
    }

    private static void refused(String message, Executable open) {
        S2mtlsException e = assertThrows(S2mtlsException.class, open);
        assertEquals(ErrorKind.BAD_INPUT, e.kind(), e.getMessage());
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    /** A plugin of each kind whose open fails with a message that quotes its sensitive option. */
    private static final class LeakyPlugin implements S2mtlsPlugin {
        private final RuntimeException failure;

        LeakyPlugin(RuntimeException failure) {
            this.failure = failure;
        }

        @Override
        public String name() {
            return "leaky";
        }

        @Override
        public List<CredentialStoreProvider> credentialStores() {
            return List.of(new CredentialStoreProvider() {
                @Override
                public String scheme() {
                    return "leaky";
                }

                @Override
                public Set<String> optionNames() {
                    return Set.of("token", "addr");
                }

                @Override
                public Set<String> sensitiveOptions() {
                    return Set.of("token");
                }

                @Override
                public CredentialStore open(StoreLocation location, PluginContext context) {
                    throw failure;
                }
            });
        }

        @Override
        public List<RemoteSignerProvider> remoteSigners() {
            return List.of(new RemoteSignerProvider() {
                @Override
                public String scheme() {
                    return "leaky-key";
                }

                @Override
                public Set<String> optionNames() {
                    return Set.of("token", "addr");
                }

                @Override
                public Set<String> sensitiveOptions() {
                    return Set.of("token");
                }

                @Override
                public RemoteSigner open(String keyName, boolean create, String keyType, PluginContext context) {
                    throw failure;
                }
            });
        }

        @Override
        public List<UserDirectoryProvider> userDirectories() {
            return List.of(new UserDirectoryProvider() {
                @Override
                public String scheme() {
                    return "leakydb";
                }

                @Override
                public Set<String> optionNames() {
                    return Set.of("token", "addr");
                }

                @Override
                public Set<String> sensitiveOptions() {
                    return Set.of("token");
                }

                @Override
                public UserDirectory open(DatabaseTarget target, PluginContext context) {
                    throw failure;
                }

                @Override
                public MtlsLogin mtlsLogin(PluginContext context) {
                    throw failure;
                }
            });
        }
    }

    @Test
    void aSensitiveOptionsValueIsMaskedInEveryKindsErrors() {
        Map<String, String> options = Map.of("token", SECRET, "addr", "https://vault.example:8200");
        S2mtlsException leak = S2mtlsException.external("login refused for token " + SECRET + " at https://vault.example:8200",
                new IllegalStateException("HTTP 403 for " + SECRET));
        PluginRegistry registry = new PluginRegistry(List.of(new LeakyPlugin(leak)));
        List<Executable> opens = List.of(
                () -> registry.openStore(StoreLocation.parse("leaky:x"), context(options)),
                () -> PluginRegistry.open(registry.signer("leaky-key"), "ca", false, "", context(options)),
                () -> PluginRegistry.open(registry.directory("leakydb"), target(), context(options)),
                () -> PluginRegistry.mtlsLogin(registry.directory("leakydb"), context(options)));
        for (Executable open : opens) {
            S2mtlsException e = assertThrows(S2mtlsException.class, open);
            assertEquals(ErrorKind.EXTERNAL, e.kind());
            assertEquals("login refused for token " + PluginOptions.REDACTED + " at https://vault.example:8200", e.getMessage(),
                    "the value of a sensitive option is masked, other values stay");
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertFalse(String.valueOf(t.getMessage()).contains(SECRET), "a cause still holds the secret: " + t);
            }
        }
    }

    @Test
    void anUnexpectedFailureIsMaskedToo() {
        Map<String, String> options = Map.of("token", SECRET);
        PluginRegistry registry = new PluginRegistry(List.of(new LeakyPlugin(new IllegalArgumentException("bad token " + SECRET))));
        S2mtlsException e = assertThrows(S2mtlsException.class, () -> registry.openStore(StoreLocation.parse("leaky:x"), context(options)));
        assertEquals(ErrorKind.INTERNAL, e.kind());
        assertEquals("bad token " + PluginOptions.REDACTED, e.getMessage());
    }

    @Test
    void aFailureWithoutTheSecretIsPassedOnUnchanged() {
        S2mtlsException plain = S2mtlsException.badInput("the path is wrong");
        PluginRegistry registry = new PluginRegistry(List.of(new LeakyPlugin(plain)));
        S2mtlsException e = assertThrows(S2mtlsException.class,
                () -> registry.openStore(StoreLocation.parse("leaky:x"), context(Map.of("token", SECRET))));
        assertTrue(e == plain, "the provider's own exception, with its cause and stack");
    }

    @Test
    void aProviderWithAStraySensitiveOptionOrABadSchemeIsRefusedAtLoad() {
        S2mtlsPlugin stray = new S2mtlsPlugin() {
            @Override
            public String name() {
                return "stray";
            }

            @Override
            public List<RemoteSignerProvider> remoteSigners() {
                return List.of(new RemoteSignerProvider() {
                    @Override
                    public String scheme() {
                        return "stray";
                    }

                    @Override
                    public Set<String> sensitiveOptions() {
                        return Set.of("password");
                    }

                    @Override
                    public RemoteSigner open(String keyName, boolean create, String keyType, PluginContext context) {
                        throw new UnsupportedOperationException();
                    }
                });
            }
        };
        S2mtlsException e = assertThrows(S2mtlsException.class, () -> new PluginRegistry(List.of(stray)));
        assertTrue(e.getMessage().contains("marks password sensitive but does not list it among its options"), e.getMessage());

        S2mtlsPlugin upper = new S2mtlsPlugin() {
            @Override
            public String name() {
                return "upper";
            }

            @Override
            public List<UserDirectoryProvider> userDirectories() {
                return List.of(new UserDirectoryProvider() {
                    @Override
                    public String scheme() {
                        return "Upper Case";
                    }

                    @Override
                    public UserDirectory open(DatabaseTarget target, PluginContext context) {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public MtlsLogin mtlsLogin(PluginContext context) {
                        throw new UnsupportedOperationException();
                    }
                });
            }
        };
        S2mtlsException bad = assertThrows(S2mtlsException.class, () -> new PluginRegistry(List.of(upper)));
        assertTrue(bad.getMessage().contains("serves the database scheme 'Upper Case'"), bad.getMessage());
    }
}
