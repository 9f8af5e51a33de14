package dev.nemotron.fuzz;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * CPU time of the current thread in nanoseconds, where the JVM can tell. An execution is judged
 * slow by the CPU its thread spent, not by the wall clock, so that a busy machine (other
 * processes, a low {@code nice} priority) does not make a fast parser look slow.
 */
interface CpuClock {
    long nanos();

    /** Whether {@link #nanos()} measures anything (otherwise it is always 0). */
    boolean measures();

    static CpuClock probe() {
        try {
            ThreadMXBean t = ManagementFactory.getThreadMXBean();
            if (t.isCurrentThreadCpuTimeSupported()) {
                t.setThreadCpuTimeEnabled(true);
                return new CpuClock() {
                    @Override
                    public long nanos() {
                        return t.getCurrentThreadCpuTime();
                    }

                    @Override
                    public boolean measures() {
                        return true;
                    }
                };
            }
        } catch (LinkageError | UnsupportedOperationException e) {
            // java.management not resolved: judge by the wall clock
        }
        return new CpuClock() {
            @Override
            public long nanos() {
                return 0;
            }

            @Override
            public boolean measures() {
                return false;
            }
        };
    }
}
