package dev.nemotron.eval.code.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Bounds the memory of a whole run, which per-process {@code RLIMIT_AS} cannot (N processes may each
 * take the per-process limit): every {@value #PERIOD_MILLIS} ms it sums the resident memory
 * ({@code VmRSS}) of the run's processes and kills the run above the limit. Needs no privileges;
 * a burst between two samples can overshoot, by at most what the processes allocate in that time.
 */
final class MemoryWatchdog {
    static final long PERIOD_MILLIS = 100;

    private final Thread thread;
    private volatile boolean exceeded;
    private volatile boolean stopped;

    private MemoryWatchdog(Process process, long limitBytes, Runnable kill) {
        this.thread = Thread.ofPlatform().daemon().name("sandbox-memory").start(() -> watch(process, limitBytes, kill));
    }

    /** Starts watching {@code process} and its descendants. */
    static MemoryWatchdog start(Process process, long limitBytes, Runnable kill) {
        return new MemoryWatchdog(process, limitBytes, kill);
    }

    private void watch(Process process, long limitBytes, Runnable kill) {
        while (!stopped && process.isAlive()) {
            long rss = residentBytes(process.toHandle());
            if (rss > limitBytes) {
                exceeded = true;
                kill.run();
                return;
            }
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Whether the watchdog killed the run. */
    boolean exceeded() {
        return exceeded;
    }

    void stop() {
        stopped = true;
        thread.interrupt();
    }

    /** The summed VmRSS of {@code root} and its descendants. */
    static long residentBytes(ProcessHandle root) {
        return Stream.concat(Stream.of(root), root.descendants()).mapToLong(p -> vmRss(p.pid())).sum();
    }

    private static long vmRss(long pid) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:")).findFirst()
                    .map(l -> Long.parseLong(l.substring(6).strip().split("\\s+")[0]) * 1024).orElse(0L);
        } catch (IOException | RuntimeException gone) {
            return 0; // ended, or not ours to read
        }
    }
}
