package io.s2mtls.cli.command;

import io.s2mtls.core.pki.CaMaterial;
import io.s2mtls.core.pki.InventoryEntry;
import io.s2mtls.core.x509.Certificates;
import io.s2mtls.core.x509.KeyPairs;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The small records commands print as JSON, and their text forms. */
public final class Views {
    private Views() {
    }

    public record CertificateView(String subject, String issuer, String serial, String notBefore, String notAfter,
                           String key, String signatureAlgorithm, boolean ca, List<String> extendedKeyUsage,
                           List<String> subjectAltNames, String sha256) {
        public static CertificateView of(X509Certificate certificate) {
            List<String> eku = new ArrayList<>();
            List<String> sans = new ArrayList<>();
            try {
                if (certificate.getExtendedKeyUsage() != null) {
                    for (String oid : certificate.getExtendedKeyUsage()) {
                        eku.add(switch (oid) {
                            case "1.3.6.1.5.5.7.3.1" -> "serverAuth";
                            case "1.3.6.1.5.5.7.3.2" -> "clientAuth";
                            default -> oid;
                        });
                    }
                }
                if (certificate.getSubjectAlternativeNames() != null) {
                    for (List<?> san : certificate.getSubjectAlternativeNames()) {
                        int type = (Integer) san.get(0);
                        sans.add((type == 2 ? "DNS:" : type == 7 ? "IP:" : type + ":") + san.get(1));
                    }
                }
            } catch (CertificateParsingException e) {
                eku.add("unreadable");
            }
            return new CertificateView(Certificates.subjectOf(certificate).oneline(), Certificates.issuerOf(certificate).oneline(),
                    hex(certificate), certificate.getNotBefore().toInstant().toString(), certificate.getNotAfter().toInstant().toString(),
                    KeyPairs.describe(certificate.getPublicKey()), certificate.getSigAlgName(), Certificates.isCa(certificate),
                    eku, sans, Certificates.sha256Fingerprint(certificate));
        }

        public void print(io.s2mtls.cli.support.Printer printer) {
            printer.line("subject:     " + subject);
            printer.line("issuer:      " + issuer);
            printer.line("serial:      " + serial);
            printer.line("not before:  " + notBefore);
            printer.line("not after:   " + notAfter);
            printer.line("key:         " + key);
            printer.line("signature:   " + signatureAlgorithm);
            printer.line("CA:          " + (ca ? "yes" : "no"));
            if (!extendedKeyUsage.isEmpty()) {
                printer.line("purpose:     " + String.join(", ", extendedKeyUsage));
            }
            if (!subjectAltNames.isEmpty()) {
                printer.line("alt names:   " + String.join(", ", subjectAltNames));
            }
            printer.line("sha256:      " + sha256);
        }
    }

    public record CaView(CertificateView certificate, String keyLocation, String store) {
        public static CaView of(CaMaterial ca, String store) {
            return new CaView(CertificateView.of(ca.certificate()),
                    ca.keyReference().orElse("in the store"), store);
        }

        public void print(io.s2mtls.cli.support.Printer printer) {
            certificate.print(printer);
            printer.line("CA key:      " + keyLocation);
            printer.line("store:       " + store);
        }
    }

    public record EntryView(String name, String serial, String subject, String notBefore, String notAfter, String profile,
                     String status, String sha256, String recordedAt) {
        public static EntryView of(InventoryEntry e) {
            return of(e, e.status().name().toLowerCase(Locale.ROOT));
        }

        /** {@code status}: the entry's standing now (expired for a valid one past its notAfter). */
        public static EntryView of(InventoryEntry e, String status) {
            return new EntryView(e.name(), e.serialHex(), e.subject(), e.notBefore().toString(), e.notAfter().toString(),
                    e.profile().name().toLowerCase(Locale.ROOT), status, e.sha256Fingerprint(), e.recordedAt().toString());
        }
    }

    /**
     * A text table: each column as wide as its widest cell (header included), two spaces between columns,
     * the last column unpadded, so the columns stay aligned whatever the lengths.
     */
    public static List<String> table(List<String> header, List<List<String>> rows) {
        int[] widths = new int[header.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], width(row.get(i)));
            }
        }
        List<String> lines = new ArrayList<>();
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                line.append(cell);
                if (i < row.size() - 1) {
                    line.append(" ".repeat(widths[i] - width(cell) + 2));
                }
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }

    private static int width(String cell) {
        return cell.codePointCount(0, cell.length());
    }

    public static String hex(X509Certificate certificate) {
        return certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
    }
}
