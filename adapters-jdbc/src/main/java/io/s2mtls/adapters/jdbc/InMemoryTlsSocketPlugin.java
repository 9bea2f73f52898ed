package io.s2mtls.adapters.jdbc;

import com.singlestore.jdbc.Configuration;
import com.singlestore.jdbc.client.tls.HostnameVerifier;
import com.singlestore.jdbc.export.ExceptionFactory;
import com.singlestore.jdbc.plugin.TlsSocketPlugin;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The driver's TLS plugin ({@code tlsSocketType=s2mtls-in-memory}): key manager and trust manager built
 * from key material held in memory, looked up by the token in the connection properties. Public only
 * because {@link java.util.ServiceLoader} instantiates it; not an API.
 */
public final class InMemoryTlsSocketPlugin implements TlsSocketPlugin {
    static final String TYPE = "s2mtls-in-memory";
    private static final String ALIAS = "client";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public TrustManager[] getTrustManager(Configuration conf, ExceptionFactory exceptionFactory) throws SQLException {
        TlsMaterialRegistry.Material material = material(conf, exceptionFactory);
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            int i = 0;
            for (X509Certificate ca : material.serverCas()) {
                anchors.setCertificateEntry("ca-" + i++, ca);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(anchors);
            return factory.getTrustManagers();
        } catch (Exception e) {
            throw exceptionFactory.create("s2mtls: cannot build the trust manager from the CA certificates: " + e.getMessage(), "08000", e);
        }
    }

    @Override
    public KeyManager[] getKeyManager(Configuration conf, ExceptionFactory exceptionFactory) throws SQLException {
        TlsMaterialRegistry.Material material = material(conf, exceptionFactory);
        return new KeyManager[] {new SingleCertificateKeyManager(material)};
    }

    @Override
    public void verify(String host, SSLSession session, long threadId) throws SSLException {
        Certificate[] peer = session.getPeerCertificates();
        if (peer.length == 0 || !(peer[0] instanceof X509Certificate server)) {
            throw new SSLException("the server sent no X.509 certificate");
        }
        HostnameVerifier.verify(host, server, threadId);
    }

    private static TlsMaterialRegistry.Material material(Configuration conf, ExceptionFactory exceptionFactory) throws SQLException {
        String token = conf.nonMappedOptions().getProperty(TlsMaterialRegistry.TOKEN_PROPERTY);
        return TlsMaterialRegistry.lookup(token).orElseThrow(() -> exceptionFactory.create(
                "s2mtls: tlsSocketType=" + TYPE + " is only usable through s2mtls (no key material registered for this connection)", "08000"));
    }

    /**
     * Always offers the one client certificate, whatever CA names the server lists: a certificate from
     * another CA is then refused by the server rather than silently withheld by the client.
     */
    private static final class SingleCertificateKeyManager extends X509ExtendedKeyManager {
        private final TlsMaterialRegistry.Material material;

        SingleCertificateKeyManager(TlsMaterialRegistry.Material material) {
            this.material = material;
        }

        private String alias() {
            return material.clientCertificate().isPresent() ? ALIAS : null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return material.clientCertificate().isPresent() ? new String[] {ALIAS} : null;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return alias();
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return alias();
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return material.clientCertificate().filter(c -> ALIAS.equals(alias)).map(c -> {
                List<X509Certificate> chain = new ArrayList<>();
                chain.add(c.certificate());
                chain.addAll(c.chain());
                return chain.toArray(X509Certificate[]::new);
            }).orElse(null);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return material.clientCertificate().filter(c -> ALIAS.equals(alias))
                    .map(c -> c.privateKey()).orElse(null);
        }
    }
}
