package dev.nemotron.fuzz;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Tells a hung execution from a slow machine. An execution hangs when the fuzzing thread has
 * spent more than {@code boundMillis} of CPU on it (a loop that does not end), or when it has
 * been running for twelve times that on the wall clock (a thread blocked for ever: on a pipe, a
 * lock). Where the thread's CPU time cannot be measured, or the target works on other threads,
 * the wall clock decides at {@code boundMillis} — except for the seeds, valid inputs that also
 * load the classes and warm the JIT up, which get the long bound.
 */
final class HangWatch {
    private static final int BLOCKED_FACTOR = 12;

    private final long threadId;
    private final long boundNanos;
    private final ThreadMXBean threads;
    private long executionStarted;
    private long cpuAtStart;

    HangWatch(Thread worker, long boundMillis, boolean workOnOtherThreads) {
        this.threadId = worker.threadId();
        this.boundNanos = boundMillis * 1_000_000L;
        ThreadMXBean t = null;
        try {
            ThreadMXBean bean = ManagementFactory.getThreadMXBean();
            if (!workOnOtherThreads && bean.isThreadCpuTimeSupported()) {
                bean.setThreadCpuTimeEnabled(true);
                t = bean;
            }
        } catch (LinkageError | UnsupportedOperationException e) {
            // java.management not resolved: the wall clock alone
        }
        this.threads = t;
    }

    /** Why the execution that started at {@code startedNanos} (0: none running) counts as hung, or null. */
    String check(long startedNanos, boolean seed) {
        if (startedNanos == 0) {
            return null;
        }
        if (startedNanos != executionStarted) {
            executionStarted = startedNanos;
            cpuAtStart = cpu();
        }
        long wall = System.nanoTime() - startedNanos;
        if (threads != null) {
            long cpu = cpu() - cpuAtStart;
            if (cpu > boundNanos) {
                return "hang: one execution has used over " + boundNanos / 1_000_000 + " ms of CPU";
            }
        } else if (!seed && wall > boundNanos) {
            return "hang: one execution has run for over " + boundNanos / 1_000_000 + " ms";
        }
        if (wall > BLOCKED_FACTOR * boundNanos) {
            return "hang: one execution has run for over " + BLOCKED_FACTOR * boundNanos / 1_000_000 + " ms";
        }
        return null;
    }

    private long cpu() {
        return threads == null ? 0 : Math.max(0, threads.getThreadCpuTime(threadId));
    }
}
