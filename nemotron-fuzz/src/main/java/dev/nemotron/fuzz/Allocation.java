package dev.nemotron.fuzz;

import java.lang.management.ManagementFactory;

/** Bytes allocated on the heap by the current thread, where the JVM can tell (0 otherwise). */
interface Allocation {
    long bytes();

    static Allocation probe() {
        try {
            if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                    && t.isThreadAllocatedMemorySupported()) {
                t.setThreadAllocatedMemoryEnabled(true);
                return t::getCurrentThreadAllocatedBytes;
            }
        } catch (LinkageError | UnsupportedOperationException e) {
            // jdk.management not resolved: no allocation bound
        }
        return () -> 0;
    }
}
