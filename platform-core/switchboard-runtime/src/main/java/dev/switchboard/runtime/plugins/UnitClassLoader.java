package dev.switchboard.runtime.plugins;

import org.pf4j.ClassLoadingStrategy;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * The class loader of one plugin version: PF4J's plugin-first loader over the plugin jar, with
 * two changes. The host's shared packages ({@link HostPackages#SHARED}) always come from the host,
 * and nothing else of the host's class path is visible (its internals, its other libraries). And
 * the dependencies' class loaders are fixed when the loader is made, not looked up by id on every
 * miss: two versions of a plugin can be alive at once during a swap, and each must keep seeing the
 * dependency versions it was started with.
 */
final class UnitClassLoader extends PluginClassLoader {

    static {
        ClassLoader.registerAsParallelCapable();
    }

    private final List<ClassLoader> dependencies;
    private final ClassLoader host;
    private final String label;

    UnitClassLoader(PluginDescriptor descriptor, Path jar, List<ClassLoader> dependencies, ClassLoader host) {
        super(null, descriptor, host, ClassLoadingStrategy.PDA);
        this.dependencies = List.copyOf(dependencies);
        this.host = host;
        this.label = descriptor.getPluginId() + "@" + descriptor.getVersion();
        addFile(jar.toFile());
    }

    @Override
    public Class<?> loadClass(String className) throws ClassNotFoundException {
        if (className.startsWith(HostPackages.INTERNAL)) {
            throw new ClassNotFoundException(className + " is internal to the Switchboard host; plugins compile against dev.switchboard.api");
        }
        Class<?> loaded = super.loadClass(className);
        if (loaded.getClassLoader() == host && !loaded.getModule().isNamed() && !HostPackages.shared(className)) {
            // Found on the host's class path (not the JDK, not this jar, not a dependency): not shared.
            throw new ClassNotFoundException(className + " is a library of the Switchboard host, which plugins do not share; "
                    + "bundle it in the plugin jar (see 'What a plugin can use' in docs/plugins.md)");
        }
        return loaded;
    }

    @Override
    protected boolean shouldDelegateToParent(String className) {
        return HostPackages.shared(className);
    }

    @Override
    protected Class<?> loadClassFromDependencies(String className) {
        for (ClassLoader dependency : dependencies) {
            try {
                return dependency.loadClass(className);
            } catch (ClassNotFoundException e) {
                // try the next dependency
            }
        }
        return null;
    }

    @Override
    protected URL findResourceFromDependencies(String name) {
        for (ClassLoader dependency : dependencies) {
            URL url = dependency instanceof PluginClassLoader plugin ? plugin.findResource(name) : null;
            if (url != null) {
                return url;
            }
        }
        return null;
    }

    @Override
    protected Collection<URL> findResourcesFromDependencies(String name) throws IOException {
        List<URL> urls = new ArrayList<>();
        for (ClassLoader dependency : dependencies) {
            if (dependency instanceof PluginClassLoader plugin) {
                urls.addAll(Collections.list(plugin.findResources(name)));
            }
        }
        return urls;
    }

    @Override
    public String toString() {
        return "UnitClassLoader[" + label + "]";
    }
}
