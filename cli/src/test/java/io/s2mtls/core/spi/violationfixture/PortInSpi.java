package io.s2mtls.core.spi.violationfixture;

/** A port declared among the plugin SPI instead of io.s2mtls.core.port; only RulesCanFailTest looks at it. */
public interface PortInSpi {
    byte[] read(String name);
}
