package io.s2mtls.cli.support;

import io.s2mtls.core.error.S2mtlsException;
import io.s2mtls.core.spi.PluginRegistry;
import io.s2mtls.core.spi.S2mtlsPlugin;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Finds plugins with {@link ServiceLoader}: those on the class path (the bundled adapters), plus every
 * jar in the plugin directories named by {@code --plugin-path} or {@code S2MTLS_PLUGIN_PATH}
 * (separated by ':'). The registry it returns treats the three provider kinds alike: the session opens
 * stores and remote keys, and the database commands open directories, through {@link PluginRegistry#open},
 * which refuses options a provider does not list and masks its sensitive option values in errors.
 */
public final class PluginLoader {
    public static final String PLUGIN_PATH_ENV = "S2MTLS_PLUGIN_PATH";

    private PluginLoader() {
    }

    public static PluginRegistry load(Console console, GlobalOptions options) {
        String path = options.pluginPath().or(() -> console.env(PLUGIN_PATH_ENV)).orElse("");
        List<URL> jars = new ArrayList<>();
        for (String entry : path.split(":")) {
            if (!entry.isBlank()) {
                jars.addAll(jarsIn(console.path(entry)));
            }
        }
        ClassLoader parent = PluginLoader.class.getClassLoader();
        ClassLoader loader = jars.isEmpty() ? parent : new URLClassLoader(jars.toArray(URL[]::new), parent);
        List<S2mtlsPlugin> plugins = new ArrayList<>();
        try {
            ServiceLoader.load(S2mtlsPlugin.class, loader).forEach(plugins::add);
        } catch (java.util.ServiceConfigurationError e) {
            throw S2mtlsException.badInput("plugin path: a plugin could not be loaded (" + e.getMessage() + ")", e);
        }
        return new PluginRegistry(plugins);
    }

    private static List<URL> jarsIn(Path directory) {
        if (Files.isRegularFile(directory) && directory.toString().endsWith(".jar")) {
            return List.of(url(directory));
        }
        if (!Files.isDirectory(directory)) {
            throw S2mtlsException.badInput("plugin path: " + directory + " is neither a directory nor a jar");
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.toString().endsWith(".jar")).sorted().map(PluginLoader::url).toList();
        } catch (IOException e) {
            throw S2mtlsException.badInput("plugin path: cannot list " + directory + " (" + e.getMessage() + ")", e);
        }
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw S2mtlsException.badInput("plugin path: bad jar path " + jar, e);
        }
    }
}
