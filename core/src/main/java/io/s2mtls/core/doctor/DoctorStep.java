package io.s2mtls.core.doctor;

/** The checks of {@code s2mtls doctor}, in the troubleshooting order of the manual procedure. */
public enum DoctorStep {
    PARSE(1, "certificate file parses"),
    KEY_MATCH(2, "private key matches the certificate"),
    VALIDITY(3, "validity dates and revocation"),
    SIGNATURE_ALGORITHM(4, "signature algorithm strength"),
    CLIENT_AUTH(5, "clientAuth extended key usage"),
    CHAIN(6, "chain to the client CA"),
    SUBJECT(7, "subject matches REQUIRE SUBJECT"),
    USER_EXISTS(8, "user exists for that host"),
    LOGIN(9, "live TLS handshake and login");

    private final int number;
    private final String title;

    DoctorStep(int number, String title) {
        this.number = number;
        this.title = title;
    }

    public int number() {
        return number;
    }

    public String title() {
        return title;
    }
}
