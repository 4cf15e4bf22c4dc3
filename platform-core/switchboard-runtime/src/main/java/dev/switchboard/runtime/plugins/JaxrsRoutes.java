package dev.switchboard.runtime.plugins;

import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Reads the routes out of a set of JAX-RS components, with Jersey's own resource model. */
final class JaxrsRoutes {

    private JaxrsRoutes() {
    }

    /** The root resources among {@code components} (classes, instances or Jersey {@link Resource}s). */
    static List<Resource> rootResources(List<Object> components) {
        List<Resource> roots = new ArrayList<>();
        for (Object component : components) {
            if (component instanceof Resource resource) {
                roots.add(resource);
                continue;
            }
            Class<?> type = component instanceof Class<?> c ? c : component.getClass();
            if (Resource.getPath(type) != null) {
                roots.add(Resource.from(type));
            }
        }
        return roots;
    }

    /** Every route of the given root resources, sorted by path then method. */
    static List<RouteInfo> routes(List<Resource> roots) {
        Set<RouteInfo> routes = new LinkedHashSet<>();
        for (Resource root : roots) {
            collect(root, normalize(root.getPath()), routes);
        }
        List<RouteInfo> sorted = new ArrayList<>(routes);
        sorted.sort(Comparator.comparing(RouteInfo::path).thenComparing(RouteInfo::method));
        return sorted;
    }

    /** The path templates of the root resources, normalized. */
    static List<String> rootTemplates(List<Resource> roots) {
        return roots.stream().map(r -> normalize(r.getPath())).distinct().sorted().toList();
    }

    private static void collect(Resource resource, String path, Set<RouteInfo> into) {
        for (ResourceMethod method : resource.getResourceMethods()) {
            into.add(new RouteInfo(method.getHttpMethod(), path));
        }
        if (resource.getResourceLocator() != null) {
            into.add(new RouteInfo("*", path));
        }
        for (Resource child : resource.getChildResources()) {
            collect(child, join(path, child.getPath()), into);
        }
    }

    static String normalize(String path) {
        String p = path == null ? "" : path.strip();
        while (p.endsWith("/") && p.length() > 1) {
            p = p.substring(0, p.length() - 1);
        }
        return p.startsWith("/") ? p : "/" + p;
    }

    private static String join(String parent, String child) {
        String c = normalize(child);
        return "/".equals(parent) ? c : "/".equals(c) ? parent : parent + c;
    }
}
