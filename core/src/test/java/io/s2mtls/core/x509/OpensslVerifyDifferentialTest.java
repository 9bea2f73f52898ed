package io.s2mtls.core.x509;

import io.s2mtls.core.S2mtls;
import io.s2mtls.core.pki.VerificationResult;
import io.s2mtls.core.testing.ExternalTool;
import io.s2mtls.core.testing.InMemoryCredentialStore;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static io.s2mtls.core.testing.ExternalTool.openssl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cert verify} against {@code openssl verify -auth_level 2 -purpose sslclient|sslserver} on the same
 * files: certificate chains made with the real openssl binary at test time, one per case, good and bad.
 * Both must accept or both refuse, and when both refuse, openssl must name the same reason as ours.
 */
class OpensslVerifyDifferentialTest {
    private static final String CLIENT_LEAF = "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n";
    private static final String SERVER_LEAF = "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
            + "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:db.example.com\n";
    private static final String CA = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n";

    @TempDir
    Path dir;

    private final AtomicLong serials = new AtomicLong(1000);

    /** One signed certificate: its file and its key's file. */
    record Made(Path cert, Path key) {
    }

    /** A chain to check: the leaf, the intermediates it presents (untrusted), the trusted root, and the purpose. */
    record Case(Made leaf, List<Made> intermediates, Made root, boolean server) {
        static Case client(Made leaf, Made root, Made... intermediates) {
            return new Case(leaf, List.of(intermediates), root, false);
        }

        static Case server(Made leaf, Made root, Made... intermediates) {
            return new Case(leaf, List.of(intermediates), root, true);
        }
    }

    private Path key(String name, String algorithm) {
        Path key = dir.resolve(name + "-key.pem");
        List<String> args = new ArrayList<>(List.of("genpkey", "-out", key.toString()));
        switch (algorithm) {
            case "ed25519" -> args.addAll(List.of("-algorithm", "ED25519"));
            case "p256" -> args.addAll(List.of("-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"));
            case "p384" -> args.addAll(List.of("-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"));
            case "p224" -> args.addAll(List.of("-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-224"));
            case "p192" -> args.addAll(List.of("-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-192"));
            default -> args.addAll(List.of("-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:" + algorithm.substring("rsa".length())));
        }
        openssl(args.toArray(String[]::new));
        return key;
    }

    /**
     * A certificate for {@code subject} with a new {@code algorithm} key and the extensions {@code ext} (openssl
     * extension-file lines; null for none, a version 1 certificate), signed by {@code issuer} (self-signed when null) with the extra x509 options {@code signing}.
     */
    private Made make(String name, String subject, String algorithm, String ext, Made issuer, String... signing) throws Exception {
        Path key = key(name, algorithm);
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".pem");
        Path extFile = dir.resolve(name + ".ext");
        openssl("req", "-new", "-key", key.toString(), "-subj", subject, "-out", csr.toString());
        List<String> args = new ArrayList<>(List.of("x509", "-req", "-in", csr.toString(), "-days", "30", "-out", cert.toString(),
                "-set_serial", Long.toString(serials.incrementAndGet())));
        if (ext != null) {
            Files.writeString(extFile, ext);
            args.addAll(List.of("-extfile", extFile.toString()));
        }
        if (issuer == null) {
            args.addAll(List.of("-signkey", key.toString()));
        } else {
            args.addAll(List.of("-CA", issuer.cert().toString(), "-CAkey", issuer.key().toString()));
        }
        args.addAll(List.of(signing));
        openssl(args.toArray(String[]::new));
        return new Made(cert, key);
    }

    private Made root(String name, String algorithm) throws Exception {
        return make(name, "/O=Diff/CN=" + name, algorithm, CA, null);
    }

    private Made clientLeaf(String name, String algorithm, Made issuer, String... signing) throws Exception {
        return make(name, "/O=Diff/CN=" + name, algorithm, CLIENT_LEAF, issuer, signing);
    }

    private Stream<DynamicTest> cases() {
        return Stream.of(
                // ---- good chains: both accept
                accepts("RSA 2048 root and leaf", () -> {
                    Made root = root("rsa-root", "rsa2048");
                    return Case.client(clientLeaf("rsa-leaf", "rsa2048", root), root);
                }),
                accepts("RSA 3072 root, EC P-256 intermediate, RSA 2048 leaf", () -> {
                    Made root = root("r3-root", "rsa3072");
                    Made inter = make("r3-inter", "/O=Diff/CN=r3-inter", "p256", CA, root);
                    return Case.client(clientLeaf("r3-leaf", "rsa2048", inter), root, inter);
                }),
                accepts("EC P-256 root and leaf", () -> {
                    Made root = root("p256-root", "p256");
                    return Case.client(clientLeaf("p256-leaf", "p256", root), root);
                }),
                accepts("EC P-384 root, intermediate and leaf", () -> {
                    Made root = root("p384-root", "p384");
                    Made inter = make("p384-inter", "/O=Diff/CN=p384-inter", "p384", CA, root, "-sha384");
                    return Case.client(clientLeaf("p384-leaf", "p384", inter, "-sha384"), root, inter);
                }),
                accepts("Ed25519 root, intermediate and leaf", () -> {
                    Made root = root("ed-root", "ed25519");
                    Made inter = make("ed-inter", "/O=Diff/CN=ed-inter", "ed25519", CA, root);
                    return Case.client(clientLeaf("ed-leaf", "ed25519", inter), root, inter);
                }),
                accepts("RSA-PSS with SHA-256", () -> {
                    Made root = root("pss256-root", "rsa2048");
                    return Case.client(clientLeaf("pss256-leaf", "rsa2048", root, "-sha256", "-sigopt", "rsa_padding_mode:pss"), root);
                }),
                accepts("a leaf without extensions", () -> {
                    Made root = root("plain-root", "p256");
                    return Case.client(make("plain-leaf", "/CN=plain", "p256", "", root), root);
                }),
                accepts("a root self-signed with SHA-1 (a trust anchor's own signature is not checked)", () -> {
                    Made root = make("sha1root-root", "/CN=sha1root-root", "rsa2048", CA, null, "-sha1");
                    return Case.client(clientLeaf("sha1root-leaf", "p256", root), root);
                }),
                accepts("RSA 1990 bits (112-bit security by openssl's estimate)", () -> {
                    Made root = root("r1990-root", "rsa2048");
                    return Case.client(clientLeaf("r1990-leaf", "rsa1990", root), root);
                }),
                accepts("an intermediate with pathlen:0 signs the leaf", () -> {
                    Made root = root("pl-ok-root", "p256");
                    Made inter = make("pl-ok-inter", "/CN=pl-ok-inter", "p256", "basicConstraints=critical,CA:TRUE,pathlen:0\n", root);
                    return Case.client(clientLeaf("pl-ok-leaf", "p256", inter), root, inter);
                }),
                accepts("a root with clientAuth and serverAuth EKU", () -> {
                    Made root = make("ekuboth-root", "/CN=ekuboth-root", "p256", CA + "extendedKeyUsage=clientAuth,serverAuth\n", null);
                    return Case.client(clientLeaf("ekuboth-leaf", "p256", root), root);
                }),
                accepts("name constraints the leaf obeys", () -> {
                    Made root = make("ncok-root", "/O=Acme/CN=ncok-root", "p256", CA
                            + "nameConstraints=critical,permitted;dirName:acme,permitted;DNS:example.com,excluded;DNS:bad.example.com\n"
                            + "[acme]\nO=Acme\n", null);
                    return Case.client(make("ncok-leaf", "/O=Acme/CN=app.example.com", "p256",
                            CLIENT_LEAF + "subjectAltName=DNS:app.example.com\n", root), root);
                }),
                accepts("a version 1 root without extensions", () -> {
                    Made root = make("v1-root", "/CN=v1-root", "p256", null, null);
                    return Case.client(clientLeaf("v1-leaf", "p256", root), root);
                }),
                accepts("a leaf that is itself a CA (openssl accepts it outside -x509_strict)", () -> {
                    Made root = root("caleaf-root", "p256");
                    return Case.client(make("caleaf-leaf", "/CN=caleaf", "p256",
                            "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature,keyCertSign\nextendedKeyUsage=clientAuth\n", root), root);
                }),
                accepts("an unknown extension that is not critical", () -> {
                    Made root = root("noncrit-root", "p256");
                    return Case.client(make("noncrit-leaf", "/CN=noncrit", "p256", CLIENT_LEAF + "1.2.3.4.5=ASN1:NULL\n", root), root);
                }),
                accepts("an EC P-224 leaf (112-bit, the least security level 2 allows)", () -> {
                    Made root = root("p224-root", "p256");
                    return Case.client(clientLeaf("p224-leaf", "p224", root), root);
                }),
                accepts("--server: a server certificate", () -> {
                    Made root = root("srv-root", "p256");
                    return Case.server(make("srv-leaf", "/CN=db.example.com", "p256", SERVER_LEAF, root), root);
                }),
                accepts("--server: a CA whose EKU is serverAuth only", () -> {
                    Made root = make("srvca-root", "/CN=srvca-root", "p256", CA + "extendedKeyUsage=serverAuth\n", null);
                    return Case.server(make("srvca-leaf", "/CN=db.example.com", "p256", SERVER_LEAF, root), root);
                }),

                // ---- bad chains: both refuse
                refuses("an unknown critical extension in the leaf", () -> {
                    Made root = root("critleaf-root", "p256");
                    return Case.client(make("critleaf-leaf", "/CN=critleaf", "p256", CLIENT_LEAF + "1.2.3.4.5=critical,ASN1:NULL\n", root), root);
                }),
                refuses("an unknown critical extension in the intermediate", () -> {
                    Made root = root("critinter-root", "p256");
                    Made inter = make("critinter-inter", "/CN=critinter-inter", "p256", CA + "1.2.3.4.5=critical,ASN1:UTF8String:x\n", root);
                    return Case.client(clientLeaf("critinter-leaf", "p256", inter), root, inter);
                }),
                refuses("an unknown critical extension in the root", () -> {
                    Made root = make("critroot-root", "/CN=critroot-root", "p256", CA + "1.2.3.4.5=critical,ASN1:NULL\n", null);
                    return Case.client(clientLeaf("critroot-leaf", "p256", root), root);
                }),
                refuses("an RSA 1024 leaf", () -> {
                    Made root = root("r1024leaf-root", "rsa2048");
                    return Case.client(clientLeaf("r1024leaf-leaf", "rsa1024", root), root);
                }),
                refuses("an EC P-192 leaf", () -> {
                    Made root = root("p192-root", "p256");
                    return Case.client(clientLeaf("p192-leaf", "p192", root), root);
                }),
                refuses("a self-signed leaf that is not in the bundle", () -> {
                    Made root = root("selfleaf-root", "p256");
                    return Case.client(make("selfleaf-leaf", "/CN=selfleaf", "p256", CLIENT_LEAF, null), root);
                }),
                refuses("a chain that presents its own root instead of the trusted one", () -> {
                    Made root = root("evil-trusted-root", "p256");
                    Made evil = make("evil-root", "/CN=evil-root", "p256", CA, null);
                    Made inter = make("evil-inter", "/CN=evil-inter", "p256", CA, evil);
                    return Case.client(clientLeaf("evil-leaf", "p256", inter), root, inter, evil);
                }),
                refuses("a leaf whose Netscape certificate type is SSL server only", () -> {
                    Made root = root("nsserver-root", "p256");
                    return Case.client(make("nsserver-leaf", "/CN=nsserver", "p256", "nsCertType=server\n", root), root);
                }),
                refuses("an RSA 1950 leaf (104-bit security by openssl's estimate)", () -> {
                    Made root = root("r1950-root", "rsa2048");
                    return Case.client(clientLeaf("r1950-leaf", "rsa1950", root), root);
                }),
                refuses("an RSA 1024 intermediate", () -> {
                    Made root = root("r1024inter-root", "rsa2048");
                    Made inter = make("r1024inter-inter", "/CN=r1024inter-inter", "rsa1024", CA, root);
                    return Case.client(clientLeaf("r1024inter-leaf", "rsa2048", inter), root, inter);
                }),
                refuses("an RSA 1024 root", () -> {
                    Made root = root("r1024root-root", "rsa1024");
                    return Case.client(clientLeaf("r1024root-leaf", "rsa2048", root), root);
                }),
                refuses("SHA-1 inside an RSA-PSS signature", () -> {
                    Made root = root("pss1-root", "rsa2048");
                    return Case.client(clientLeaf("pss1-leaf", "rsa2048", root, "-sha1", "-sigopt", "rsa_padding_mode:pss"), root);
                }),
                refuses("a leaf signed with SHA-1", () -> {
                    Made root = root("sha1leaf-root", "rsa2048");
                    return Case.client(clientLeaf("sha1leaf-leaf", "rsa2048", root, "-sha1"), root);
                }),
                refuses("a leaf signed with MD5", () -> {
                    Made root = root("md5leaf-root", "rsa2048");
                    return Case.client(clientLeaf("md5leaf-leaf", "rsa2048", root, "-md5"), root);
                }),
                refuses("an intermediate signed with SHA-1", () -> {
                    Made root = root("sha1inter-root", "rsa2048");
                    Made inter = make("sha1inter-inter", "/CN=sha1inter-inter", "rsa2048", CA, root, "-sha1");
                    return Case.client(clientLeaf("sha1inter-leaf", "rsa2048", inter), root, inter);
                }),
                refuses("name constraints: the subject is outside the permitted directory name", () -> {
                    Made root = make("ncdn-root", "/O=Acme/CN=ncdn-root", "p256", CA + "nameConstraints=critical,permitted;dirName:acme\n[acme]\nO=Acme\n", null);
                    return Case.client(make("ncdn-leaf", "/O=Evil/CN=alice", "p256", CLIENT_LEAF, root), root);
                }),
                refuses("name constraints: a SAN outside the permitted DNS names", () -> {
                    Made root = make("ncsan-root", "/CN=ncsan-root", "p256", CA + "nameConstraints=critical,permitted;DNS:example.com\n", null);
                    return Case.client(make("ncsan-leaf", "/CN=alice", "p256", CLIENT_LEAF + "subjectAltName=DNS:evil.org\n", root), root);
                }),
                refuses("name constraints: an excluded DNS name in an intermediate's constraints", () -> {
                    Made root = root("ncex-root", "p256");
                    Made inter = make("ncex-inter", "/CN=ncex-inter", "p256", CA + "nameConstraints=critical,excluded;DNS:evil.org\n", root);
                    return Case.client(make("ncex-leaf", "/CN=alice", "p256", CLIENT_LEAF + "subjectAltName=DNS:db.evil.org\n", inter), root, inter);
                }),
                refuses("name constraints: a host name in the CN outside the permitted DNS names", () -> {
                    Made root = make("nccn-root", "/CN=nccn-root", "p256", CA + "nameConstraints=critical,permitted;DNS:example.com\n", null);
                    return Case.client(make("nccn-leaf", "/CN=db.evil.org", "p256", CLIENT_LEAF, root), root);
                }),
                refuses("name constraints: an excluded e-mail address in the subject", () -> {
                    Made root = make("ncmail-root", "/CN=ncmail-root", "p256", CA + "nameConstraints=critical,excluded;email:evil.org\n", null);
                    return Case.client(make("ncmail-leaf", "/CN=alice/emailAddress=alice@evil.org", "p256", CLIENT_LEAF, root), root);
                }),
                refuses("a root whose EKU excludes clientAuth", () -> {
                    Made root = make("ekuroot-root", "/CN=ekuroot-root", "p256", CA + "extendedKeyUsage=serverAuth\n", null);
                    return Case.client(clientLeaf("ekuroot-leaf", "p256", root), root);
                }),
                refuses("an intermediate whose EKU excludes clientAuth", () -> {
                    Made root = root("ekuinter-root", "p256");
                    Made inter = make("ekuinter-inter", "/CN=ekuinter-inter", "p256", CA + "extendedKeyUsage=serverAuth,emailProtection\n", root);
                    return Case.client(clientLeaf("ekuinter-leaf", "p256", inter), root, inter);
                }),
                refuses("--server: a root whose EKU excludes serverAuth", () -> {
                    Made root = make("ekusrv-root", "/CN=ekusrv-root", "p256", CA + "extendedKeyUsage=clientAuth\n", null);
                    return Case.server(make("ekusrv-leaf", "/CN=db.example.com", "p256", SERVER_LEAF, root), root);
                }),
                refuses("--server: a client certificate", () -> {
                    Made root = root("srvcl-root", "p256");
                    return Case.server(clientLeaf("srvcl-leaf", "p256", root), root);
                }),
                refuses("a leaf with only anyExtendedKeyUsage", () -> {
                    Made root = root("anyeku-root", "p256");
                    return Case.client(make("anyeku-leaf", "/CN=anyeku", "p256", "extendedKeyUsage=anyExtendedKeyUsage\n", root), root);
                }),
                refuses("a leaf whose key usage is keyEncipherment only", () -> {
                    Made root = root("kuenc-root", "rsa2048");
                    return Case.client(make("kuenc-leaf", "/CN=kuenc", "rsa2048", "keyUsage=critical,keyEncipherment\nextendedKeyUsage=clientAuth\n", root), root);
                }),
                refuses("an intermediate whose key usage lacks keyCertSign", () -> {
                    Made root = root("nocs-root", "p256");
                    Made inter = make("nocs-inter", "/CN=nocs-inter", "p256", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature,cRLSign\n", root);
                    return Case.client(clientLeaf("nocs-leaf", "p256", inter), root, inter);
                }),
                refuses("an intermediate with CA:FALSE", () -> {
                    Made root = root("noca-root", "p256");
                    Made inter = make("noca-inter", "/CN=noca-inter", "p256", "basicConstraints=critical,CA:FALSE\n", root);
                    return Case.client(clientLeaf("noca-leaf", "p256", inter), root, inter);
                }),
                refuses("an intermediate without basicConstraints", () -> {
                    Made root = root("nobc-root", "p256");
                    Made inter = make("nobc-inter", "/CN=nobc-inter", "p256", "keyUsage=critical,keyCertSign\n", root);
                    return Case.client(clientLeaf("nobc-leaf", "p256", inter), root, inter);
                }),
                refuses("a root with pathlen:0 above an intermediate", () -> {
                    Made root = make("pl0-root", "/CN=pl0-root", "p256", "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=keyCertSign\n", null);
                    Made inter = make("pl0-inter", "/CN=pl0-inter", "p256", CA, root);
                    return Case.client(clientLeaf("pl0-leaf", "p256", inter), root, inter);
                }));
    }

    @TestFactory
    Stream<DynamicTest> ourVerdictIsOpensslsVerdict() {
        ExternalTool.require("openssl");
        return cases();
    }

    interface CaseMaker {
        Case make() throws Exception;
    }

    private DynamicTest accepts(String name, CaseMaker maker) {
        return check(name, true, maker);
    }

    private DynamicTest refuses(String name, CaseMaker maker) {
        return check(name, false, maker);
    }

    /** Both verdicts, which must agree; {@code expected} guards that the case was made as meant (openssl says so). */
    private DynamicTest check(String name, boolean expected, CaseMaker maker) {
        return DynamicTest.dynamicTest((expected ? "accepts: " : "refuses: ") + name, () -> {
            Case c = maker.make();
            String purpose = c.server() ? "sslserver" : "sslclient";
            List<String> command = new ArrayList<>(List.of(ExternalTool.require("openssl").toString(), "verify", "-auth_level", "2",
                    "-purpose", purpose, "-CAfile", c.root().cert().toString()));
            if (!c.intermediates().isEmpty()) {
                Path untrusted = dir.resolve(c.leaf().cert().getFileName() + ".chain");
                StringBuilder pem = new StringBuilder();
                for (Made inter : c.intermediates()) {
                    pem.append(Files.readString(inter.cert()));
                }
                Files.writeString(untrusted, pem);
                command.addAll(List.of("-untrusted", untrusted.toString()));
            }
            command.add(c.leaf().cert().toString());
            ExternalTool.Result openssl = ExternalTool.run(command);
            String opensslSays = openssl.out() + openssl.stderr();
            boolean opensslAccepts = openssl.exitCode() == 0;

            List<X509Certificate> presented = new ArrayList<>();
            for (Made inter : c.intermediates()) {
                presented.add(read(inter.cert()));
            }
            S2mtls s2mtls = S2mtls.builder(new InMemoryCredentialStore(UUID.randomUUID().toString())).build();
            VerificationResult ours = s2mtls.verification().verify(read(c.leaf().cert()), presented, List.of(read(c.root().cert())),
                    !c.server(), List.of());

            assertEquals(expected, opensslAccepts, name + ": the case is not what it meant to be; openssl says " + opensslSays.strip());
            assertEquals(opensslAccepts, ours.isOk(), name + ": openssl says " + opensslSays.strip() + "; we say " + ours.describe());
            if (!ours.isOk()) {
                String reason = ours.failure().orElseThrow().reason();
                assertTrue(opensslSays.contains(reason), name + ": we say '" + ours.describe() + "', openssl says " + opensslSays.strip());
            }
        });
    }

    private static X509Certificate read(Path file) throws Exception {
        return Pem.readCertificate(Files.readAllBytes(file), file.toString());
    }
}
