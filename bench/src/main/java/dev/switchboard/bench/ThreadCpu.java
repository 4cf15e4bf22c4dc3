package dev.switchboard.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this process's threads by group (C1, C2, Truffle's compiler, skill threads, callers,
 * GC), read from {@code /proc/self/task}: which threads worked between two readings. A thread that
 * ends takes its ticks with it.
 */
final class ThreadCpu {

    /** Linux counts thread CPU in clock ticks of 1/100 s. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ThreadCpu() {
    }

    /** CPU clock ticks (user + system) of this process's threads, by group of native thread name. */
    static Map<String, Long> ticks() throws IOException {
        Map<String, Long> ticks = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String[] fields = stat.substring(close + 2).split(" ");
                // Fields 14 and 15 of proc(5) (utime, stime), counted from after the name.
                ticks.merge(group(stat.substring(open + 1, close)), Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
            }
        }
        return ticks;
    }

    /** The cores each group used between two readings {@code seconds} apart. */
    static Map<String, Double> cores(Map<String, Long> before, Map<String, Long> after, double seconds) {
        Map<String, Double> cores = new TreeMap<>();
        for (var group : after.entrySet()) {
            cores.put(group.getKey(), (group.getValue() - before.getOrDefault(group.getKey(), 0L)) / TICKS_PER_SECOND / seconds);
        }
        return cores;
    }

    private static String group(String name) {
        if (name.startsWith("C2 ")) {
            return "C2";
        } else if (name.startsWith("C1 ")) {
            return "C1";
        } else if (name.contains("Truffle")) {
            return "truffle-compiler";
        } else if (name.startsWith("switchboard-sk") || name.startsWith("switchboard-py")) {
            return "skill";
        } else if (name.startsWith("caller-")) {
            return "callers";
        } else if (name.startsWith("G1") || name.startsWith("GC")) {
            return "gc";
        }
        return "other";
    }
}
