package io.s2mtls.core.port.violationfixture;

/** A port that depends on the plugin machinery; only RulesCanFailTest looks at it. */
public interface PortUsingSpi {
    io.s2mtls.core.spi.PluginContext context();
}
