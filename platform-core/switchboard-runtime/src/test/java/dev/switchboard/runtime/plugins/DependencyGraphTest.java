package dev.switchboard.runtime.plugins;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class DependencyGraphTest {

    @Test
    void dependenciesComeBeforeDependents() {
        DependencyGraph.Order order = DependencyGraph.order(new TreeMap<>(Map.of(
                "a", List.of("c"), "b", List.of(), "c", List.of("b", "missing"))));
        assertThat(order.order()).containsExactly("b", "c", "a");
        assertThat(order.cycles()).isEmpty();
    }

    @Test
    void everyMemberOfACycleIsNamedWithTheWholeCycle() {
        DependencyGraph.Order order = DependencyGraph.order(new TreeMap<>(Map.of(
                "a", List.of("b"), "b", List.of("c"), "c", List.of("a"), "d", List.of("a"))));
        assertThat(order.cycles()).containsOnlyKeys("a", "b", "c")
                .containsValue("dependency cycle: a -> b -> c -> a");
        assertThat(order.cycles().values()).containsOnly("dependency cycle: a -> b -> c -> a");
        assertThat(order.order()).containsExactlyInAnyOrder("a", "b", "c", "d").endsWith("d");
    }

    @Test
    void dependentsRetireFirstAndEachUnitOnce() {
        PluginUnit base = unit("base");
        PluginUnit middle = unit("middle", base);
        PluginUnit top = unit("top", middle);
        assertThat(DependencyGraph.retirementOrder(List.of(base, middle, base, top))).containsExactly(top, middle, base);
    }

    private static PluginUnit unit(String id, PluginUnit... dependencies) {
        return TestUnits.unit(id, "1.0.0", dependencies);
    }
}
