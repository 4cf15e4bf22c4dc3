package dev.switchboard.runtime.plugins;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Routing across plugins in Jersey's precedence, and what counts as a collision. */
class RouteTableTest {

    private static PluginUnit unit(String id, String... templates) {
        return TestUnits.routed(id, templates);
    }

    @Test
    void routesByRootTemplateMostLiteralFirst() {
        PluginUnit generic = unit("generic", "/api/{name}");
        PluginUnit hello = unit("hello", "/api/hello");
        RouteTable table = RouteTable.of(List.of(generic, hello));
        assertThat(table.match("/api/hello")).containsSame(hello);
        assertThat(table.match("/api/hello/sub/path")).containsSame(hello);
        assertThat(table.match("/api/other")).containsSame(generic);
        assertThat(table.match("/apix")).isEmpty();
        assertThat(table.match("/")).isEmpty();
    }

    @Test
    void equalTemplatesCollideWhateverTheVariableNames() {
        List<PluginUnit> live = List.of(unit("users", "/api/users/{id}"));
        assertThat(RouteTable.conflicts("accounts", List.of("/api/users/{userId}"), List.of(), live))
                .containsExactly("route /api/users/{userId} is already served by plugin 'users' 1.0.0");
        assertThat(RouteTable.conflicts("accounts", List.of("/api/users/{id}/settings"), List.of(), live)).isEmpty();
        assertThat(RouteTable.conflicts("users", List.of("/api/users/{id}"), List.of(), live)).as("a plugin never collides with itself").isEmpty();
    }

    @Test
    void routesUnderHostPrefixesCollide() {
        assertThat(RouteTable.conflicts("x", List.of("/admin"), List.of(new RouteInfo("GET", "/admin/x")), List.of()))
                .containsExactly("route GET /admin/x falls under /admin, which the host serves");
        assertThat(RouteTable.conflicts("x", List.of("/api"), List.of(new RouteInfo("POST", "/api/events/{topic}")), List.of()))
                .containsExactly("route POST /api/events/{topic} falls under /api/events, which the host serves");
        assertThat(RouteTable.conflicts("x", List.of("/api"), List.of(new RouteInfo("GET", "/api/eventsource")), List.of())).isEmpty();
        assertThat(RouteTable.conflicts("x", List.of("/{any}"), List.of(new RouteInfo("GET", "/{any}")), List.of())).isEmpty();
    }

    @Test
    void pathHelpers() {
        assertThat(JaxrsRoutes.normalize("api/hello/")).isEqualTo("/api/hello");
        assertThat(JaxrsRoutes.normalize("/")).isEqualTo("/");
        assertThat(JaxrsRoutes.normalize("")).isEqualTo("/");
    }
}
