package dev.nemotron.api.plugin;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * Plugin discovery that one broken plugin cannot break: the providers of a service are
 * located and constructed one by one, and a provider that cannot be loaded or whose
 * construction throws becomes a {@link Discovered} failure, with its class and the reason,
 * instead of ending the discovery. Every registry of the SDK finds its plugins here.
 */
public final class Plugins {
    private Plugins() {
    }

    /**
     * One provider found: either constructed ({@link #provider()} set) or failed
     * ({@link #failure()} set).
     *
     * @param type     the provider's class name, or {@code "<broken>"} when it could not be located
     * @param module   the provider's module name, {@code "(class path)"}, or {@code "?"} when unknown
     * @param provider the constructed provider, or null when it failed
     * @param failure  why it failed ({@code "provider could not be loaded: ..."} or
     *                 {@code "provider failed to start: ..."}), or null
     */
    public record Discovered<S>(String type, String module, S provider, String failure) {
        public Discovered {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(module, "module");
            if ((provider == null) == (failure == null)) {
                throw new IllegalArgumentException("exactly one of provider and failure must be set");
            }
        }

        /** Whether the provider was constructed. */
        public boolean ok() {
            return provider != null;
        }

        /** {@code TYPE (MODULE): FAILURE}, for a warning. */
        public String describeFailure() {
            return type + " (" + module + "): " + failure;
        }
    }

    /**
     * Every provider of {@code service} that {@code loader} sees (module path or class path), in
     * the order {@link ServiceLoader} gives, constructed or failed.
     */
    public static <S> List<Discovered<S>> discover(Class<S> service, ClassLoader loader) {
        declareUse(service);
        return discover(ServiceLoader.load(service, loader));
    }

    /** Every provider of {@code layer}'s modules (and their parents'), constructed or failed. */
    public static <S> List<Discovered<S>> discover(Class<S> service, ModuleLayer layer) {
        declareUse(service);
        return discover(ServiceLoader.load(layer, service));
    }

    /**
     * Lets this module load {@code service} (JPMS wants the loading module to declare {@code uses};
     * the registries' own modules declare it for their services, this one adds it at run time).
     */
    private static void declareUse(Class<?> service) {
        Plugins.class.getModule().addUses(service);
    }

    /** Every provider {@code loader} finds, constructed or failed. */
    public static <S> List<Discovered<S>> discover(ServiceLoader<S> loader) {
        List<Discovered<S>> found = new ArrayList<>();
        var it = loader.stream().iterator();
        while (true) {
            ServiceLoader.Provider<S> handle;
            try {
                if (!it.hasNext()) {
                    break;
                }
                handle = it.next();
            } catch (ServiceConfigurationError e) {
                found.add(new Discovered<>("<broken>", "?", null, "provider could not be loaded: " + e.getMessage()));
                continue;
            }
            Module m = handle.type().getModule();
            String module = m.isNamed() ? m.getName() : "(class path)";
            try {
                found.add(new Discovered<>(handle.type().getName(), module, handle.get(), null));
            } catch (ServiceConfigurationError | RuntimeException e) {
                found.add(new Discovered<>(handle.type().getName(), module, null, "provider failed to start: " + e.getMessage()));
            }
        }
        return found;
    }

    /**
     * The providers of {@code service} that could be constructed, in discovery order; each one that
     * could not is passed to {@code warn} as one line ({@code "MetricProvider plugin skipped:
     * com.acme.Broken (acme.metrics): provider failed to start: ..."}) and left out.
     */
    public static <S> List<S> load(Class<S> service, ClassLoader loader, Consumer<String> warn) {
        List<Discovered<S>> found = discover(service, loader);
        for (Discovered<S> d : failures(found)) {
            warn.accept(service.getSimpleName() + " plugin skipped: " + d.describeFailure());
        }
        return providers(found);
    }

    /** The constructed providers of {@code found}, in order. */
    public static <S> List<S> providers(List<Discovered<S>> found) {
        return found.stream().filter(Discovered::ok).map(Discovered::provider).toList();
    }

    /** The failed providers of {@code found}, in order. */
    public static <S> List<Discovered<S>> failures(List<Discovered<S>> found) {
        return found.stream().filter(d -> !d.ok()).toList();
    }
}
