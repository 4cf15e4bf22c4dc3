package dev.switchboard.runtime.plugins;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/** The order plugins are decided in (dependencies first) and retired in (dependents first). */
final class DependencyGraph {

    private DependencyGraph() {
    }

    /**
     * @param order  every id, each after the ids it needs (members of a cycle in the order found)
     * @param cycles the members of dependency cycles, each with its cycle as text
     *               ({@code "dependency cycle: a -> b -> a"})
     */
    record Order(List<String> order, Map<String, String> cycles) {
    }

    /**
     * Orders the plugins, given what each needs; needs of ids outside the map are left out (the
     * decision reports them as missing). Ids are visited in the map's order, so the result is stable.
     */
    static Order order(SortedMap<String, List<String>> needs) {
        List<String> order = new ArrayList<>();
        Map<String, String> cycles = new TreeMap<>();
        Map<String, Boolean> done = new HashMap<>();
        for (String id : needs.keySet()) {
            visit(id, needs, done, new ArrayDeque<>(), order, cycles);
        }
        return new Order(List.copyOf(order), Map.copyOf(cycles));
    }

    /** @param done false while an id is on the path, true once it is ordered */
    private static void visit(String id, Map<String, List<String>> needs, Map<String, Boolean> done, Deque<String> path,
                              List<String> order, Map<String, String> cycles) {
        Boolean state = done.get(id);
        if (state != null) {
            if (!state) {
                List<String> cycle = new ArrayList<>();
                boolean in = false;
                for (Iterator<String> it = path.descendingIterator(); it.hasNext(); ) {
                    String step = it.next();
                    in |= step.equals(id);
                    if (in) {
                        cycle.add(step);
                    }
                }
                cycle.add(id);
                String text = "dependency cycle: " + String.join(" -> ", cycle);
                for (String member : cycle) {
                    cycles.put(member, text);
                }
            }
            return;
        }
        done.put(id, false);
        path.push(id);
        for (String need : needs.get(id)) {
            if (needs.containsKey(need)) {
                visit(need, needs, done, path, order, cycles);
            }
        }
        path.pop();
        done.put(id, true);
        order.add(id);
    }

    /** The units, each once, in an order that retires each before any unit of the batch it depends on. */
    static List<PluginUnit> retirementOrder(List<PluginUnit> batch) {
        Set<PluginUnit> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        List<PluginUnit> units = batch.stream().filter(distinct::add).toList();
        List<PluginUnit> ordered = new ArrayList<>();
        Set<PluginUnit> placed = Collections.newSetFromMap(new IdentityHashMap<>());
        while (ordered.size() < units.size()) {
            for (PluginUnit unit : units) {
                if (placed.contains(unit)) {
                    continue;
                }
                boolean hasLiveDependent = units.stream().anyMatch(other -> other != unit && !placed.contains(other)
                        && other.dependencies().contains(unit));
                if (!hasLiveDependent) {
                    ordered.add(unit);
                    placed.add(unit);
                }
            }
        }
        return ordered;
    }
}
