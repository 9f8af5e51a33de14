package dev.nemotron.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * A mutation-based fuzz loop over one parser: each execution feeds the target a mutant of the
 * pool (seeded with valid samples) and requires that it returns normally or throws a clean
 * rejection (an exception {@code clean} accepts, with a one-line message naming no Java
 * internals). Any other exception, an {@link Error} (OutOfMemoryError, StackOverflowError), an
 * execution slower than {@link #maxMillis(long)} (CPU time of the fuzzing thread, twice in a row;
 * wall clock for {@link #workOnOtherThreads()} targets), a hang (wall clock), or one allocating more than
 * {@link #maxAllocatedBytes(long)} on its thread fails the run; the input is saved under
 * {@code nemotron.fuzz.out}. Inputs that are accepted or rejected with a new message shape join the
 * pool (feedback by behaviour rather than by coverage).
 *
 * <p>System properties: {@code nemotron.fuzz.execs} (stop after this many executions; 0: no
 * limit), {@code nemotron.fuzz.seconds} (stop after this long; default 2),
 * {@code nemotron.fuzz.seed}, {@code nemotron.fuzz.out} (default {@code target/fuzz}); each run
 * appends one line to {@code results.tsv} there.
 */
public final class Fuzz {
    /** The code under test. */
    @FunctionalInterface
    public interface Target {
        void run(byte[] input) throws Exception;
    }

    /** What a run did. */
    public record Report(String name, long executions, long accepted, long rejected, long known, long maxMillis,
            double seconds) {
        String line() {
            return String.format(Locale.ROOT, "%s\t%d\t%d\t%d\t%d\t%d\t%.1f", name, executions, accepted, rejected,
                    known, maxMillis, seconds);
        }
    }

    private static final int POOL_LIMIT = 512;
    private static final String[] INTERNALS = {"java.lang.", "java.util.", "java.io.", "com.fasterxml", "org.apache",
        "\tat ", "Exception:", "Error:"};

    private final String name;
    private final List<byte[]> pool = new ArrayList<>();
    private Predicate<Throwable> clean = t -> false;
    private final List<Known> known = new ArrayList<>();
    private long maxMillis = 2_000;
    private long maxAllocatedBytes = 256L << 20;
    private int maxLength = 1 << 16;
    private boolean workOnOtherThreads;

    private Fuzz(String name) {
        this.name = name;
    }

    /** A fuzz run called {@code name} (the first column of results.tsv). */
    public static Fuzz target(String name) {
        return new Fuzz(name);
    }

    /** Valid samples to start from (at least one). */
    public Fuzz seeds(List<byte[]> seeds) {
        pool.addAll(seeds);
        return this;
    }

    /** The exceptions that count as a clean rejection. */
    public Fuzz clean(Predicate<Throwable> clean) {
        this.clean = clean;
        return this;
    }

    /**
     * Tolerates a failure another branch fixes: a throwable matching {@code match} counts as a
     * known finding (reported with {@code reason}, not failing the run). Remove once that fix is in.
     */
    public Fuzz known(String reason, Predicate<Throwable> match) {
        known.add(new Known(reason, match));
        return this;
    }

    private record Known(String reason, Predicate<Throwable> match) {
    }

    /**
     * The target does its work on other threads (an in-process server answering a request): an
     * execution is then judged slow by the wall clock, as the fuzzing thread's own CPU time says
     * nothing. By default it is judged by the CPU time of the fuzzing thread.
     */
    public Fuzz workOnOtherThreads() {
        this.workOnOtherThreads = true;
        return this;
    }

    public Fuzz maxMillis(long maxMillis) {
        this.maxMillis = maxMillis;
        return this;
    }

    public Fuzz maxAllocatedBytes(long bytes) {
        this.maxAllocatedBytes = bytes;
        return this;
    }

    public Fuzz maxLength(int maxLength) {
        this.maxLength = maxLength;
        return this;
    }

    /** Runs the loop; throws {@link AssertionError} naming the first failing input. */
    public Report run(Target target) {
        if (pool.isEmpty()) {
            throw new IllegalStateException(name + ": no seeds");
        }
        long execs = Long.getLong("nemotron.fuzz.execs", 0);
        double seconds = Double.parseDouble(System.getProperty("nemotron.fuzz.seconds", "2"));
        long seed = Long.getLong("nemotron.fuzz.seed", 20261206L) ^ name.hashCode();
        Path out = Path.of(System.getProperty("nemotron.fuzz.out", "target/fuzz"));
        Loop loop = new Loop(target, new Mutator(new SplittableRandom(seed), maxLength), execs,
                (long) (seconds * 1e9));
        Thread worker = Thread.ofPlatform().name("fuzz-" + name).daemon().unstarted(loop);
        worker.start();
        HangWatch watch = new HangWatch(worker, Math.max(10_000, 5 * maxMillis), workOnOtherThreads);
        try {
            while (worker.isAlive()) {
                worker.join(200);
                String hang = worker.isAlive() ? watch.check(loop.startedNanos, loop.executions < loop.seedCount) : null;
                if (hang != null) {
                    loop.fail(hang, loop.current, null);
                    worker.interrupt();
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(name + ": interrupted", e);
        }
        if (loop.failure != null) {
            Path saved = save(out, loop.failed);
            throw new AssertionError(name + ": execution " + loop.executions + " failed: " + loop.failure
                    + "\n  input saved to " + saved + "\n  input: " + preview(loop.failed), loop.cause);
        }
        long knownCount = loop.knownHits.values().stream().mapToLong(Long::longValue).sum();
        Report r = new Report(name, loop.executions, loop.accepted, loop.rejected - knownCount, knownCount,
                loop.maxNanos / 1_000_000,
                (System.nanoTime() - loop.begin) / 1e9);
        record(out, r);
        System.out.println("fuzz " + r.line().replace('\t', ' '));
        loop.knownHits.forEach((reason, n) -> System.out.println("fuzz " + name + ": " + n + " known findings: " + reason));
        return r;
    }

    private final class Loop implements Runnable {
        final Target target;
        final Mutator mutator;
        final long execLimit;
        final long nanoLimit;
        /** When the run began; reset once the seeds have run, so a slow start does not eat the time budget. */
        long begin = System.nanoTime();
        final Set<String> shapes = new HashSet<>();
        final java.util.Map<String, Long> knownHits = new java.util.TreeMap<>();
        volatile long startedNanos;
        volatile byte[] current;
        volatile String failure;
        volatile byte[] failed;
        volatile Throwable cause;
        volatile long executions;
        volatile int seedCount = Integer.MAX_VALUE;
        long accepted;
        long rejected;
        long maxNanos;

        Loop(Target target, Mutator mutator, long execLimit, long nanoLimit) {
            this.target = target;
            this.mutator = mutator;
            this.execLimit = execLimit;
            this.nanoLimit = nanoLimit;
        }

        @Override
        public void run() {
            Allocation alloc = Allocation.probe();
            CpuClock cpu = workOnOtherThreads ? null : CpuClock.probe();
            if (cpu != null && !cpu.measures()) {
                cpu = null;
            }
            int seedIndex = 0;
            seedCount = pool.size();
            while (failure == null && (execLimit <= 0 || executions < execLimit)
                    && (executions < seedCount || System.nanoTime() - begin < nanoLimit)) {
                byte[] input = seedIndex < seedCount ? pool.get(seedIndex++) : mutator.mutate(pool);
                current = input;
                long bytes0 = alloc.bytes();
                long cpu0 = cpu == null ? 0 : cpu.nanos();
                long t0 = System.nanoTime();
                startedNanos = t0;
                String rejection = null;
                try {
                    target.run(input);
                } catch (Throwable t) {
                    Known k = known.stream().filter(x -> x.match().test(t)).findFirst().orElse(null);
                    if (k != null) {
                        knownHits.merge(k.reason(), 1L, Long::sum);
                        rejection = "known";
                    } else if (!clean.test(t)) {
                        fail("unexpected " + t, input, t);
                        return;
                    }
                    String bad = null;
                    if (k == null) {
                        rejection = t.getMessage();
                        bad = unclear(rejection);
                    }
                    if (bad != null) {
                        fail("unclear rejection (" + bad + "): " + rejection, input, t);
                        return;
                    }
                }
                // judged by the thread's CPU time where it can be measured, else by the wall clock
                long dt = cpu == null ? System.nanoTime() - t0 : cpu.nanos() - cpu0;
                startedNanos = 0;
                executions++;
                if (executions == seedCount) {
                    begin = System.nanoTime();
                }
                if (executions > seedCount) {
                    maxNanos = Math.max(maxNanos, dt);
                }
                if (dt > maxMillis * 1_000_000L && executions > seedCount) { // seeds warm the JIT up
                    long again = rerunNanos(input, cpu); // a pause of a loaded machine (GC, other processes) is not the parser's
                    if (again > maxMillis * 1_000_000L) {
                        fail("slow: " + dt / 1_000_000 + " ms, then " + again / 1_000_000 + " ms again (" + (cpu == null
                                ? "wall clock" : "CPU time of the fuzzing thread") + "; limit " + maxMillis + " ms)", input, null);
                        return;
                    }
                }
                long allocated = alloc.bytes() - bytes0;
                if (allocated > maxAllocatedBytes) {
                    fail("allocated " + (allocated >> 20) + " MiB for a " + input.length + "-byte input (limit "
                            + (maxAllocatedBytes >> 20) + " MiB)", input, null);
                    return;
                }
                if (rejection == null) {
                    accepted++;
                    if (pool.size() < POOL_LIMIT && executions > seedCount) {
                        pool.add(input);
                    }
                } else {
                    rejected++;
                    if (shapes.add(shape(rejection)) && pool.size() < POOL_LIMIT) {
                        pool.add(input);
                    }
                }
            }
        }

        private long rerunNanos(byte[] input, CpuClock cpu) {
            long cpu0 = cpu == null ? 0 : cpu.nanos();
            long t0 = System.nanoTime();
            startedNanos = t0;
            try {
                target.run(input);
            } catch (Throwable ignored) {
                // the first run already judged the outcome
            }
            startedNanos = 0;
            return cpu == null ? System.nanoTime() - t0 : cpu.nanos() - cpu0;
        }

        /** Records the first failure only: the watchdog's verdict (a hang) is not overwritten by what the interrupted execution did next. */
        private synchronized void fail(String why, byte[] input, Throwable t) {
            if (failure != null) {
                return;
            }
            failed = input;
            cause = t;
            failure = why;
        }
    }

    /** Why a rejection message is not one clear line, or null. */
    static String unclear(String message) {
        if (message == null || message.isBlank()) {
            return "no message";
        }
        if (message.indexOf('\n') >= 0) {
            return "more than one line";
        }
        for (String s : INTERNALS) {
            if (message.contains(s)) {
                return "names Java internals '" + s + "'";
            }
        }
        return null;
    }

    /** A message with its numbers and quoted parts blanked: one "kind" of rejection. */
    private static String shape(String message) {
        String s = message.replaceAll("'[^']*'|\"[^\"]*\"|[0-9]+", "_");
        return s.length() > 80 ? s.substring(0, 80) : s;
    }

    private Path save(Path out, byte[] input) {
        try {
            Files.createDirectories(out);
            Path f = out.resolve(name + "-failure.bin");
            Files.write(f, input == null ? new byte[0] : input);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void record(Path out, Report r) {
        try {
            Files.createDirectories(out);
            Files.writeString(out.resolve("results.tsv"), r.line() + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String preview(byte[] input) {
        if (input == null) {
            return "(none)";
        }
        String s = new String(input, 0, Math.min(input.length, 400), StandardCharsets.ISO_8859_1);
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format(Locale.ROOT, "\\x%02x", (int) c));
        }
        return b + (input.length > 400 ? "... (" + input.length + " bytes)" : "");
    }
}
