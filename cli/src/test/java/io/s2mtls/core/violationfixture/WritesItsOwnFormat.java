package io.s2mtls.core.violationfixture;

/** A core type with its own JSON writer and reader, and no Jackson; only RulesCanFailTest looks at it. */
public record WritesItsOwnFormat(String name) {
    public String toJsonLine() {
        return "{\"name\":\"" + name + "\"}";
    }

    public static WritesItsOwnFormat fromJsonLine(String line) {
        return new WritesItsOwnFormat(line.substring(9, line.length() - 2));
    }
}
