package io.s2mtls.adapters.jdbc;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the SingleStore driver's log lines off the terminal unless verbose. Without an SLF4J binding the
 * driver prints WARN lines to stderr through its own console logger; the system property
 * {@code singlestore.logging.fallback=JDK} (read once, when the driver's {@code Loggers} class
 * initialises) routes it to java.util.logging instead, where its logger's level decides. When the
 * host already chose a logging setup (the property is set, or SLF4J is present) this leaves it alone.
 */
final class DriverLogging {
    private static final String FALLBACK_PROPERTY = "singlestore.logging.fallback";
    /** Held strongly: java.util.logging keeps only weak references to configured loggers. */
    private static final Logger DRIVER_LOGGER = Logger.getLogger("com.singlestore.jdbc");
    private static boolean routed;

    private DriverLogging() {
    }

    static synchronized void configure(boolean verbose) {
        if (!routed) {
            routed = true;
            if (System.getProperty(FALLBACK_PROPERTY) == null) {
                System.setProperty(FALLBACK_PROPERTY, "JDK");
            }
        }
        DRIVER_LOGGER.setLevel(verbose ? Level.ALL : Level.OFF);
    }
}
