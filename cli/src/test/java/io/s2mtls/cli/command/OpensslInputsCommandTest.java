package io.s2mtls.cli.command;

import io.s2mtls.cli.CliRunner;
import io.s2mtls.cli.CliRunner.Run;
import io.s2mtls.core.testing.ExternalTool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.s2mtls.core.testing.ExternalTool.openssl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files made by the real openssl: what openssl reads, {@code subject} and {@code cert show} read too (with the
 * same subject string); what the server or openssl would refuse, {@code cert sign} and {@code ca import} refuse
 * with exit 2, one line naming the file, and the store byte-identical.
 */
class OpensslInputsCommandTest {
    @TempDir
    Path dir;
    CliRunner cli;
    Path store;

    @BeforeEach
    void setUp() {
        cli = new CliRunner(dir).env("S2MTLS_STORE_PASSWORD", CommandLineTest.PASSWORD);
        CommandLineTest.ok(cli.run("ca", "create", "--subject", "/CN=Existing CA", "--key", "ec:p256"));
        store = dir.resolve("s2mtls.p12");
    }

    private String path(String name) {
        return dir.resolve(name).toString();
    }

    private static String opensslSubject(String file, String... inform) {
        List<String> args = new ArrayList<>(List.of("x509", "-in", file, "-noout", "-subject", "-nameopt", "compat"));
        args.addAll(List.of(inform));
        String out = openssl(args.toArray(String[]::new)).out().strip();
        assertTrue(out.startsWith("subject="), out);
        return out.substring("subject=".length());
    }

    private void refused(String names, String says, String... args) throws Exception {
        BadInputCommandTest.refused(cli, store, names, says, args);
    }

    /** subject and cert show read FILE; the subject is openssl's, byte for byte. */
    private void readsLikeOpenssl(String file, String expectedKey, String... inform) {
        String expected = opensslSubject(path(file), inform);
        Run subject = CommandLineTest.ok(cli.run("subject", file));
        assertEquals(expected, subject.out().strip(), file);
        Run show = CommandLineTest.ok(cli.run("cert", "show", file));
        assertTrue(show.out().contains("subject:     " + expected + "\n"), show.out());
        assertTrue(show.out().contains("key:         " + expectedKey), show.out());
    }

    @Test
    void readsTrustedCertificatesKeysBeforeCertificatesByteOrderMarksAndDer() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("k.pem"), "-out", path("c.pem"),
                "-subj", "/C=US/O=Example Org/OU=Trust/CN=trusted.example", "-days", "30");
        openssl("x509", "-in", path("c.pem"), "-trustout", "-addtrust", "clientAuth", "-addreject", "emailProtection",
                "-setalias", "my alias", "-out", path("trusted.pem"));
        assertTrue(Files.readString(dir.resolve("trusted.pem")).contains("BEGIN TRUSTED CERTIFICATE"));
        readsLikeOpenssl("trusted.pem", "RSA 2048");

        Files.writeString(dir.resolve("key-then-cert.pem"), Files.readString(dir.resolve("k.pem")) + Files.readString(dir.resolve("c.pem")));
        readsLikeOpenssl("key-then-cert.pem", "RSA 2048");

        byte[] pem = Files.readAllBytes(dir.resolve("c.pem"));
        byte[] bom = new byte[pem.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(pem, 0, bom, 3, pem.length);
        Files.write(dir.resolve("bom.pem"), bom);
        readsLikeOpenssl("bom.pem", "RSA 2048");

        // 'openssl x509 -text' writes several kilobytes of text before the PEM block
        openssl("req", "-x509", "-newkey", "rsa:4096", "-nodes", "-keyout", path("k4096.pem"), "-out", path("c4096.pem"),
                "-subj", "/O=Example Org/CN=with text", "-days", "30");
        openssl("x509", "-in", path("c4096.pem"), "-text", "-out", path("text-then-cert.pem"));
        assertTrue(Files.readString(dir.resolve("text-then-cert.pem")).indexOf("-----BEGIN") > 4096);
        readsLikeOpenssl("text-then-cert.pem", "RSA 4096");

        openssl("x509", "-in", path("c.pem"), "-outform", "DER", "-out", path("c.der"));
        readsLikeOpenssl("c.der", "RSA 2048", "-inform", "DER");
    }

    @Test
    void readsCertificatesWhoseKeyItCannotUse() throws Exception {
        // explicit curve parameters and a compressed point
        openssl("ecparam", "-name", "prime256v1", "-param_enc", "explicit", "-conv_form", "compressed", "-genkey", "-noout",
                "-out", path("explicit.key"));
        openssl("req", "-x509", "-new", "-key", path("explicit.key"), "-subj", "/O=Example Org/CN=explicit curve", "-days", "30",
                "-out", path("explicit.pem"));
        readsLikeOpenssl("explicit.pem", "unsupported key (OID 1.2.840.10045.2.1");
        // a named curve with a compressed point
        openssl("ecparam", "-name", "prime256v1", "-conv_form", "compressed", "-genkey", "-noout", "-out", path("compressed.key"));
        openssl("req", "-x509", "-new", "-key", path("compressed.key"), "-subj", "/O=Example Org/CN=compressed point", "-days", "30",
                "-out", path("compressed.pem"));
        readsLikeOpenssl("compressed.pem", "EC P-256");
        // a Diffie-Hellman key, certified with another key
        openssl("genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "dh_paramgen_prime_len:1024", "-out", path("dh.params"));
        openssl("genpkey", "-paramfile", path("dh.params"), "-out", path("dh.key"));
        openssl("pkey", "-in", path("dh.key"), "-pubout", "-out", path("dh.pub"));
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("signer.key"), "-out", path("signer.pem"),
                "-subj", "/CN=signer", "-days", "30");
        openssl("x509", "-new", "-subj", "/O=Example Org/CN=dh key", "-force_pubkey", path("dh.pub"), "-key", path("signer.key"),
                "-days", "30", "-out", path("dh.pem"));
        readsLikeOpenssl("dh.pem", "unsupported key (OID 1.2.840.113549.1.3.1)");
        // SM2, when this openssl has it
        ExternalTool.Result sm2 = ExternalTool.run(List.of(ExternalTool.require("openssl").toString(), "genpkey", "-algorithm", "SM2",
                "-out", path("sm2.key")));
        if (sm2.exitCode() == 0) {
            openssl("req", "-x509", "-new", "-key", path("sm2.key"), "-subj", "/O=Example Org/CN=sm2", "-days", "30", "-out", path("sm2.pem"));
            readsLikeOpenssl("sm2.pem", "unsupported key (OID 1.2.840.10045.2.1");
        }
    }

    @Test
    void signsAndReadsDerCsrs() throws Exception {
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path("client.key"),
                "-subj", "/O=Example Org/CN=der client", "-outform", "DER", "-out", path("client.der"));
        assertEquals("/O=Example Org/CN=der client", CommandLineTest.ok(cli.run("subject", "client.der")).out().strip());
        CommandLineTest.ok(cli.run("cert", "sign", "--csr", "client.der", "--out", "client-cert.pem"));
        assertEquals("/O=Example Org/CN=der client", opensslSubject(path("client-cert.pem")));
    }

    @Test
    void refusesKeysAndCsrsTheServerOrOpensslRefuses() throws Exception {
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime192v1", "-nodes", "-keyout", path("p192.key"),
                "-subj", "/CN=p192", "-out", path("p192.csr"));
        refused("p192.csr", "192-bit EC key", "cert", "sign", "--csr", "p192.csr", "--out", "p192.pem");

        openssl("ecparam", "-name", "prime256v1", "-param_enc", "explicit", "-genkey", "-noout", "-out", path("explicit.key"));
        openssl("req", "-new", "-key", path("explicit.key"), "-subj", "/CN=explicit", "-out", path("explicit.csr"));
        refused("explicit.csr", "explicit parameters", "cert", "sign", "--csr", "explicit.csr", "--out", "explicit.pem");

        openssl("genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:2048", "-out", path("dsa.params"));
        openssl("genpkey", "-paramfile", path("dsa.params"), "-out", path("dsa.key"));
        openssl("req", "-new", "-key", path("dsa.key"), "-subj", "/CN=dsa", "-out", path("dsa.csr"));
        refused("dsa.csr", "DSA", "cert", "sign", "--csr", "dsa.csr", "--out", "dsa.pem");

        openssl("genrsa", "-out", path("rsa1024.key"), "1024");
        openssl("req", "-new", "-key", path("rsa1024.key"), "-subj", "/CN=rsa1024", "-out", path("rsa1024.csr"));
        refused("rsa1024.csr", "1024 bits", "cert", "sign", "--csr", "rsa1024.csr", "--out", "rsa1024.pem");

        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-pkeyopt", "rsa_keygen_pubexp:3", "-out", path("e3.key"));
        openssl("req", "-new", "-key", path("e3.key"), "-subj", "/CN=e3", "-out", path("e3.csr"));
        refused("e3.csr", "public exponent 3", "cert", "sign", "--csr", "e3.csr", "--out", "e3.pem");

        openssl("genrsa", "-out", path("rsa.key"), "2048");
        openssl("req", "-new", "-key", path("rsa.key"), "-subj", "/CN=sha1", "-sha1", "-out", path("sha1.csr"));
        refused("sha1.csr", "SHA-1", "cert", "sign", "--csr", "sha1.csr", "--out", "sha1.pem");
        ExternalTool.Result md5 = ExternalTool.run(List.of(ExternalTool.require("openssl").toString(), "req", "-new", "-key", path("rsa.key"),
                "-subj", "/CN=md5", "-md5", "-out", path("md5.csr")));
        if (md5.exitCode() == 0) {
            refused("md5.csr", "MD5", "cert", "sign", "--csr", "md5.csr", "--out", "md5.pem");
        }
        assertFalse(Files.exists(dir.resolve("sha1.pem")) || Files.exists(dir.resolve("dsa.pem")), "nothing written");
    }

    @Test
    void refusesWeakCaKeysOnImport() throws Exception {
        openssl("ecparam", "-name", "prime192v1", "-genkey", "-noout", "-out", path("p192.key"));
        openssl("req", "-x509", "-new", "-key", path("p192.key"), "-subj", "/CN=p192 CA", "-days", "30", "-out", path("p192.pem"));
        refused("p192.pem", "192-bit EC key", "ca", "import", "--cert", "p192.pem", "--key", "p192.key", "--force");

        openssl("ecparam", "-name", "prime256v1", "-param_enc", "explicit", "-genkey", "-noout", "-out", path("explicit.key"));
        openssl("req", "-x509", "-new", "-key", path("explicit.key"), "-subj", "/CN=explicit CA", "-days", "30", "-out", path("explicit.pem"));
        refused("explicit.pem", "explicit parameters", "ca", "import", "--cert", "explicit.pem", "--key", "explicit.key", "--force");

        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-pkeyopt", "rsa_keygen_pubexp:3", "-out", path("e3.key"));
        openssl("req", "-x509", "-new", "-key", path("e3.key"), "-subj", "/CN=e3 CA", "-days", "30", "-out", path("e3.pem"));
        refused("e3.pem", "public exponent 3", "ca", "import", "--cert", "e3.pem", "--key", "e3.key", "--force");

        openssl("genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:2048", "-out", path("dsa.params"));
        openssl("genpkey", "-paramfile", path("dsa.params"), "-out", path("dsa.key"));
        openssl("req", "-x509", "-new", "-key", path("dsa.key"), "-subj", "/CN=dsa CA", "-days", "30", "-out", path("dsa.pem"));
        refused("dsa.pem", "DSA", "ca", "import", "--cert", "dsa.pem", "--key", "dsa.key", "--force");
    }

    private void caWith(String name, String... extensions) {
        List<String> args = new ArrayList<>(List.of("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", path(name + ".key"), "-out", path(name + ".pem"), "-subj", "/CN=" + name, "-days", "30"));
        for (String extension : extensions) {
            args.add("-addext");
            args.add(extension);
        }
        openssl(args.toArray(String[]::new));
    }

    @Test
    void refusesCasThatCannotSignClientCertificates() throws Exception {
        caWith("nocertsign", "keyUsage=critical,digitalSignature,cRLSign");
        refused("nocertsign.pem", "keyCertSign", "ca", "import", "--cert", "nocertsign.pem", "--key", "nocertsign.key", "--force");
        caWith("serveronly", "extendedKeyUsage=serverAuth");
        refused("serveronly.pem", "clientAuth", "ca", "import", "--cert", "serveronly.pem", "--key", "serveronly.key", "--force");
        caWith("notca", "basicConstraints=critical,CA:FALSE");
        refused("notca.pem", "not a CA", "ca", "import", "--cert", "notca.pem", "--key", "notca.key", "--force");
        caWith("anyeku", "extendedKeyUsage=anyExtendedKeyUsage");
        CommandLineTest.ok(cli.run("ca", "import", "--cert", "anyeku.pem", "--key", "anyeku.key", "--force"));
    }

    @Test
    void anIntermediateNeedsItsChainAndExportsIt() throws Exception {
        caWith("root");
        Files.writeString(dir.resolve("intermediate.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path("intermediate.key"),
                "-subj", "/O=Example Org/CN=intermediate", "-out", path("intermediate.csr"));
        openssl("x509", "-req", "-in", path("intermediate.csr"), "-CA", path("root.pem"), "-CAkey", path("root.key"), "-CAcreateserial",
                "-days", "30", "-extfile", path("intermediate.ext"), "-out", path("intermediate.pem"));
        refused("intermediate.pem", "--chain", "ca", "import", "--cert", "intermediate.pem", "--key", "intermediate.key", "--force");
        // a chain that does not link
        caWith("stranger");
        refused("stranger.pem", "does not", "ca", "import", "--cert", "intermediate.pem", "--key", "intermediate.key",
                "--chain", "stranger.pem", "--force");

        CommandLineTest.ok(cli.run("ca", "import", "--cert", "intermediate.pem", "--key", "intermediate.key", "--chain", "root.pem", "--force"));
        CommandLineTest.ok(cli.run("ca", "export", "--out", "bundle.pem"));
        String bundle = Files.readString(dir.resolve("bundle.pem"), StandardCharsets.US_ASCII);
        assertEquals(2, bundle.split("BEGIN CERTIFICATE", -1).length - 1, bundle);
        assertTrue(bundle.startsWith(Files.readString(dir.resolve("intermediate.pem")).strip()), bundle);
        assertTrue(bundle.strip().endsWith(Files.readString(dir.resolve("root.pem")).strip()), bundle);
        // the stored chain survives a reload, and a client certificate verifies with openssl against the exported bundle
        CommandLineTest.ok(cli.run("cert", "issue", "--subject", "/CN=leaf", "--key", "ec:p256", "--out-dir", "creds"));
        Files.writeString(dir.resolve("root-only.pem"), Files.readString(dir.resolve("root.pem")));
        assertEquals(path("creds/leaf-cert.pem") + ": OK", openssl("verify", "-purpose", "sslclient", "-CAfile", path("root-only.pem"),
                "-untrusted", path("bundle.pem"), path("creds/leaf-cert.pem")).out().strip());
        // the server's ssl_ca_for_client_cert file holds the whole chain too
        CommandLineTest.ok(cli.run("cert", "issue", "--server", "--subject", "/CN=db.example", "--san", "DNS:db.example", "--key", "ec:p256"));
        CommandLineTest.ok(cli.run("server-config", "--credential", "db.example", "--dir", "server-ssl", "--write"));
        assertEquals(bundle, Files.readString(dir.resolve("server-ssl/ca-cert.pem"), StandardCharsets.US_ASCII));
    }
}
