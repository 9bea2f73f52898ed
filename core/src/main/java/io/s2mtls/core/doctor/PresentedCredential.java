package io.s2mtls.core.doctor;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The certificate (and key) a user logs in with, as the doctor is given it. */
public sealed interface PresentedCredential {

    /** Where it comes from, for messages. */
    String source();

    /**
     * The bytes of files, parsed by the doctor itself (step 1).
     *
     * @param certificateSource e.g. the file name
     * @param certificate       PEM (the leaf first, intermediates may follow) or DER
     * @param key               the PEM private key, when given
     * @param keyPassword       the password of an encrypted key
     */
    record Files(String certificateSource, byte[] certificate, Optional<String> keySource, Optional<byte[]> key,
                 Optional<char[]> keyPassword) implements PresentedCredential {
        public Files {
            requireNonNull(certificateSource, "certificateSource is null");
            certificate = requireNonNull(certificate, "certificate is null").clone();
            requireNonNull(keySource, "keySource is null");
            requireNonNull(key, "key is null");
            requireNonNull(keyPassword, "keyPassword is null");
        }

        @Override
        public String source() {
            return certificateSource;
        }
    }

    /** A credential already loaded, e.g. from the store. */
    record Loaded(String source, X509Certificate certificate, List<X509Certificate> intermediates, Optional<PrivateKey> key)
            implements PresentedCredential {
        public Loaded {
            requireNonNull(source, "source is null");
            requireNonNull(certificate, "certificate is null");
            intermediates = List.copyOf(requireNonNull(intermediates, "intermediates is null"));
            requireNonNull(key, "key is null");
        }
    }
}
