package io.s2mtls.cli.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s2mtls.core.testing.ExternalTool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The exposition as Prometheus's own Python client reads it ({@code prometheus_client.parser}, Debian's
 * python3-prometheus-client): a real parser, not ours. Missing, it skips the test locally and fails it under CI=true.
 */
final class ExpositionParser {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCRIPT = String.join("\n",
            "import json, sys",
            "from prometheus_client.parser import text_string_to_metric_families",
            "text = sys.stdin.buffer.read().decode('utf-8')",
            "out = []",
            "for f in text_string_to_metric_families(text):",
            "    out.append({'name': f.name, 'type': f.type, 'help': f.documentation,",
            "                'samples': [{'name': s.name, 'labels': s.labels, 'value': s.value} for s in f.samples]})",
            "print(json.dumps(out))",
            "");

    /** One family as parsed. */
    record Family(String name, String type, String help, List<Sample> samples) {
        Sample only() {
            assertEquals(1, samples.size(), name + ": " + samples);
            return samples.get(0);
        }

        /** The one sample whose labels include {@code labels}. */
        Sample with(Map<String, String> labels) {
            List<Sample> found = samples.stream().filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).toList();
            assertEquals(1, found.size(), name + " with " + labels + ": " + samples);
            return found.get(0);
        }
    }

    record Sample(String name, Map<String, String> labels, double value) {
    }

    private ExpositionParser() {
    }

    /** Parses {@code text}; a parse error fails the test with the parser's message. */
    static Map<String, Family> parse(String text) {
        List<String> command = List.of(python().toString(), "-c", SCRIPT);
        ExternalTool.Result result = ExternalTool.run(command, text.getBytes(StandardCharsets.UTF_8), Map.of(), null).requireSuccess(command);
        Map<String, Family> families = new LinkedHashMap<>();
        try {
            for (JsonNode family : JSON.readTree(result.out())) {
                List<Sample> samples = new ArrayList<>();
                for (JsonNode sample : family.get("samples")) {
                    Map<String, String> labels = new LinkedHashMap<>();
                    sample.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
                    samples.add(new Sample(sample.get("name").asText(), labels, sample.get("value").asDouble()));
                }
                families.put(family.get("name").asText(), new Family(family.get("name").asText(), family.get("type").asText(),
                        family.get("help").asText(), samples));
            }
        } catch (IOException e) {
            throw new AssertionError("the parser's output is not JSON: " + result.out(), e);
        }
        return families;
    }

    static Family family(Map<String, Family> families, String name) {
        Family family = families.get(name);
        assertNotNull(family, "no family " + name + " in " + families.keySet());
        return family;
    }

    /** A python3 that has the parser: Debian's /usr/bin/python3 first (the package installs there), then PATH's. */
    static Path python() {
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/bin/python3")));
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            candidates.add(Path.of(dir, "python3"));
        }
        for (Path candidate : candidates) {
            if (Files.isExecutable(candidate) && ExternalTool.run(List.of(candidate.toString(), "-c",
                    "import prometheus_client.parser")).exitCode() == 0) {
                return candidate;
            }
        }
        ExternalTool.missing("python3 with prometheus_client (Debian package python3-prometheus-client)");
        throw new AssertionError("unreachable");
    }

    static Optional<Family> find(Map<String, Family> families, String name) {
        return Optional.ofNullable(families.get(name));
    }
}
