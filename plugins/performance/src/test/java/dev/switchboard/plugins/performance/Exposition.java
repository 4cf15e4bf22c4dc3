package dev.switchboard.plugins.performance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The samples of a Prometheus text (0.0.4) or OpenMetrics exposition, as a test reads them. */
record Exposition(List<Sample> samples) {

    /** One line: a series (name and labels) and its value. */
    record Sample(String name, Map<String, String> labels, double value) {
        boolean has(String label, String value) {
            return value.equals(labels.get(label));
        }
    }

    static Exposition parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int i = 0;
            while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
                i++;
            }
            String name = line.substring(0, i);
            Map<String, String> labels = new LinkedHashMap<>();
            if (i < line.length() && line.charAt(i) == '{') {
                i++;
                while (line.charAt(i) != '}') {
                    int eq = line.indexOf('=', i);
                    String key = line.substring(i, eq).replace(",", "").strip();
                    StringBuilder value = new StringBuilder();
                    int j = eq + 2;
                    while (line.charAt(j) != '"') {
                        if (line.charAt(j) == '\\') {
                            j++;
                        }
                        value.append(line.charAt(j));
                        j++;
                    }
                    labels.put(key, value.toString());
                    i = j + 1;
                    if (line.charAt(i) == ',') {
                        i++;
                    }
                }
                i++;
            }
            String[] rest = line.substring(i).strip().split(" ");
            samples.add(new Sample(name, labels, Double.parseDouble(rest[0])));
        }
        return new Exposition(samples);
    }

    /** The samples named {@code name}. */
    List<Sample> named(String name) {
        return samples.stream().filter(sample -> sample.name().equals(name)).toList();
    }

    /** The sum of the samples named {@code name} that have these labels (name, value pairs); 0 if none has. */
    double value(String name, String... labels) {
        return named(name).stream().filter(sample -> {
            for (int k = 0; k < labels.length; k += 2) {
                if (!sample.has(labels[k], labels[k + 1])) {
                    return false;
                }
            }
            return true;
        }).mapToDouble(Sample::value).sum();
    }
}
