package dev.nemotron.backend.java;

import dev.nemotron.api.backend.BackendProvider;
import java.util.ServiceLoader;

/** Run by {@link ClassPathAvailabilityTest} in a JVM with everything on the class path. */
public final class ClassPathProbe {
    private ClassPathProbe() {
    }

    public static void main(String[] args) {
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            var a = p.availability();
            System.out.println(p.name() + "|" + a.available() + "|" + a.reason());
        }
    }
}
