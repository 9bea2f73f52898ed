package io.s2mtls.core.dn;

import io.s2mtls.core.testing.ExternalTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Subjects made by {@code openssl req -subj ... -utf8 -multivalue-rdn}: our oneline of the
 * certificate's subject equals openssl's, and {@link DistinguishedName#parseSlash} of the same
 * {@code -subj} text gives the very DER openssl put in the certificate.
 */
class OpensslReqTest {
    static final long SEED = 0xC0FFEE_2026L;
    static final int COUNT = 60;

    private static final String[][] LABELS = {
            {"CN", "64"}, {"commonName", "64"}, {"O", "64"}, {"OU", "64"}, {"L", "128"}, {"ST", "128"},
            {"title", "200"}, {"street", "200"}, {"GN", "200"}, {"SN", "200"}, {"UID", "200"}, {"uid", "200"},
            {"businessCategory", "200"}, {"postalCode", "200"}, {"organizationIdentifier", "200"}, {"description", "200"},
    };
    private static final String TEXT = "abcXYZ019 +/\\\"',=;#<>!?*&()[]{}|~`@$%^_-.:éüßΩЖ中文😀";

    @Test
    void parseSlashEncodesLikeOpensslReqAndOnelineMatches(@TempDir Path directory) throws Exception {
        ExternalTool.require("openssl");
        ExternalTool.require("sh");
        List<String> subjects = subjects(new Random(SEED));
        assertTrue(subjects.size() >= 50);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> certificates = new ArrayList<>();
            for (int i = 0; i < subjects.size(); i++) {
                Path subjectFile = directory.resolve("subject-" + i + ".txt");
                Files.writeString(subjectFile, subjects.get(i), StandardCharsets.UTF_8);
                Path certificate = directory.resolve("cert-" + i + ".pem");
                Path key = directory.resolve("key-" + i + ".pem");
                String subject = subjects.get(i);
                certificates.add(pool.submit(() -> {
                    // Through sh, so the subject's UTF-8 bytes reach openssl whatever the JVM's locale.
                    ExternalTool.run(List.of("sh", "-c", "exec openssl req -new -x509 -subj \"$(cat \"$1\")\" -utf8 -multivalue-rdn"
                                    + " -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -days 1 -keyout \"$2\" -out \"$3\"",
                            "sh", subjectFile.toString(), key.toString(), certificate.toString()), null, java.util.Map.of(), null)
                            .requireSuccess(List.of("openssl", "req", "-subj", subject));
                    byte[] printed = ExternalTool.openssl("x509", "-noout", "-subject", "-nameopt", "compat",
                            "-in", certificate.toString()).stdout();
                    return printed;
                }));
            }
            List<String> failures = new ArrayList<>();
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (int i = 0; i < subjects.size(); i++) {
                String printed = OpensslDifferentialTest.openSslSubject(certificates.get(i).get());
                X509Certificate certificate;
                try (InputStream in = Files.newInputStream(directory.resolve("cert-" + i + ".pem"))) {
                    certificate = (X509Certificate) factory.generateCertificate(in);
                }
                byte[] opensslDer = certificate.getSubjectX500Principal().getEncoded();
                String fromCertificate = DistinguishedName.fromDer(opensslDer).oneline();
                if (!printed.equals(fromCertificate)) {
                    failures.add("-subj " + subjects.get(i) + "\n  openssl: " + printed + "\n  ours:    " + fromCertificate);
                }
                byte[] ours = DistinguishedName.parseSlash(subjects.get(i)).toDer();
                if (!java.util.Arrays.equals(opensslDer, ours)) {
                    failures.add("-subj " + subjects.get(i) + "\n  openssl DER: " + HexFormat.of().formatHex(opensslDer)
                            + "\n  our DER:     " + HexFormat.of().formatHex(ours));
                }
            }
            if (!failures.isEmpty()) {
                fail("seed " + SEED + ": " + failures.size() + " mismatches:\n" + String.join("\n", failures));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static List<String> subjects(Random random) {
        List<String> subjects = new ArrayList<>(List.of(
                "/C=US/ST=CA/O=example/CN=Js3g\\+AF\\+/C=US",
                "/O=example/CN=Js3g\\+AF\\+/C=US",
                "/CN=alice+UID=123",
                "/UID=123+CN=alice/O=Org",
                "/CN=a\\/b/O=x\\\\y",
                "/CN=say \"hi\" it's/OU=Doe, John=x;y",
                "/CN=  pad  /emailAddress=user@example.com",
                "/DC=com/DC=example/CN=José Ω 中文 😀",
                "/C=DE/serialNumber=1234 5678/dnQualifier=q-1.x/CN=x",
                "/CN=z+O=y+OU=x+C=US",
                // Every attribute with its own entry in OpenSSL's string table (crypto/asn1/a_strnid.c).
                "/friendlyName=f Ω/CSPName=csp/INN=123456789012/OGRN=1234567890123/SNILS=12345678901/OGRNIP=9",
                "/c3=DEU/n3=276/dnsName=x.example/id-on-SmtpUTF8Mailbox=jösé@example.com/mail=m@example.com",
                "/unstructuredName=u é/challengePassword=p/unstructuredAddress=a/initials=i/name=n/GN=g/SN=s",
                "/jurisdictionC=DE/jurisdictionST=Bayern/jurisdictionL=München/businessCategory=Private Organization",
                "/serialNumber=AB 12:34/dnQualifier=x(y)=z?/emailAddress=a\\+b@x.org/DC=a-b",
                "/1.2.840.113549.1.9.1=dotted@example.com/2.5.4.3=dotted cn"));
        while (subjects.size() < COUNT) {
            StringBuilder subject = new StringBuilder();
            int rdns = 1 + random.nextInt(5);
            for (int r = 0; r < rdns; r++) {
                int values = random.nextInt(4) == 0 ? 2 + random.nextInt(2) : 1;
                for (int v = 0; v < values; v++) {
                    subject.append(v == 0 ? '/' : '+');
                    int pick = random.nextInt(LABELS.length + 3);
                    if (pick == LABELS.length) {
                        subject.append("C=").append((char) ('A' + random.nextInt(26))).append((char) ('a' + random.nextInt(26)));
                    } else if (pick == LABELS.length + 1) {
                        subject.append("emailAddress=u").append(random.nextInt(1000)).append("@ex-ample.com");
                    } else if (pick == LABELS.length + 2) {
                        subject.append("DC=d").append(random.nextInt(1000));
                    } else {
                        subject.append(LABELS[pick][0]).append('=').append(escaped(random, 1 + random.nextInt(20)));
                    }
                }
            }
            subjects.add(subject.toString());
        }
        return subjects;
    }

    private static String escaped(Random random, int length) {
        StringBuilder value = new StringBuilder();
        int[] codePoints = TEXT.codePoints().toArray();
        for (int i = 0; i < length; i++) {
            int c = codePoints[random.nextInt(codePoints.length)];
            if (c == '/' || c == '+' || c == '\\' || (c == '=' && random.nextBoolean())) {
                value.append('\\');
            }
            value.appendCodePoint(c);
        }
        return value.toString();
    }
}
