package dev.nemotron.cli.train;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.distributed.ProcessGroup;
import dev.nemotron.api.distributed.Rendezvous;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts one child JVM per rank of a data-parallel job and supervises them (docs/distributed.md):
 *
 * <pre>
 * 1. command: this JVM's own command line (java, its flags, module path, main) with the same arguments
 * 2. per rank r: NEMOTRON_RANK=r, NEMOTRON_WORLD_SIZE=N, NEMOTRON_RENDEZVOUS=a fresh file, NCCL_NVLS_ENABLE=0,
 *    and with a device CUDA_VISIBLE_DEVICES = the r-th visible device
 * 3. output: every stderr line, and the stdout lines of ranks 1..N-1, prefixed "[rank r] "; rank 0's stdout
 *    (the result, e.g. --json) passes through as it is
 * 4. supervise: when a rank exits non-zero, stop the others and fail with one line naming the rank and its last
 *    error line (a rank whose error is only that it lost a peer is not the cause when another rank failed too)
 * </pre>
 */
public final class RankLauncher {
    /** A test hook: the rank named here halts with exit code 3 after its second step, as a crashing process would. */
    public static final String FAIL_RANK = "NEMOTRON_TEST_FAIL_RANK";

    private static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: jdk.incubator.vector";

    private final List<String> command;
    private final int ranks;
    private final boolean device;

    /**
     * @param command the whole child command (java ... Main ARGS)
     * @param ranks   the number of ranks
     * @param device  whether each rank gets a GPU of its own (CUDA_VISIBLE_DEVICES)
     */
    public RankLauncher(List<String> command, int ranks, boolean device) {
        this.command = List.copyOf(command);
        this.ranks = ranks;
        this.device = device;
    }

    /**
     * This JVM's command line with {@code args} as the program's arguments: the process's own
     * arguments, of which the last {@code args.length} must be {@code args} (they are this run's).
     */
    public static List<String> sameJvm(List<String> args) {
        ProcessHandle.Info info = ProcessHandle.current().info();
        String java = info.command().orElse(null);
        String[] all = info.arguments().orElse(null);
        if (java == null || all == null || all.length < args.size()
                || !Arrays.asList(all).subList(all.length - args.size(), all.length).equals(args)) {
            throw new NemotronException("cannot read this JVM's command line to start the ranks (started from an IDE or a"
                    + " test?); run ./nemotron, or start each rank yourself with " + Rendezvous.RANK + ", "
                    + Rendezvous.WORLD_SIZE + " and " + Rendezvous.FILE + " set");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(Arrays.asList(all).subList(0, all.length - args.size()));
        cmd.addAll(args);
        return cmd;
    }

    /** Runs the ranks to their end; returns normally when every rank exited 0. */
    public void run(PrintStream out, PrintStream err) {
        Path dir;
        try {
            dir = Files.createTempDirectory("nemotron-ranks-");
        } catch (IOException e) {
            throw new NemotronException("cannot create the rendezvous directory: " + e.getMessage(), e);
        }
        List<Rank> started = new ArrayList<>();
        Thread stopAll = new Thread(() -> started.forEach(Rank::stop), "stop-ranks");
        Runtime.getRuntime().addShutdownHook(stopAll);
        try {
            String[] visible = visibleDevices();
            for (int r = 0; r < ranks; r++) {
                ProcessBuilder pb = new ProcessBuilder(command);
                Map<String, String> env = pb.environment();
                env.put(Rendezvous.RANK, Integer.toString(r));
                env.put(Rendezvous.WORLD_SIZE, Integer.toString(ranks));
                env.put(Rendezvous.FILE, dir.resolve("rank0.port").toString());
                env.put("NCCL_NVLS_ENABLE", "0");
                if (device) {
                    env.put("CUDA_VISIBLE_DEVICES", visible == null ? Integer.toString(r) : visible[r]);
                }
                started.add(new Rank(r, pb.start(), out, err));
            }
            supervise(started);
        } catch (IOException e) {
            throw new NemotronException("cannot start rank " + started.size() + " (" + command.getFirst() + "): " + e.getMessage(), e);
        } finally {
            started.forEach(Rank::stop);
            started.forEach(Rank::awaitOutput);
            try {
                Runtime.getRuntime().removeShutdownHook(stopAll);
            } catch (IllegalStateException ignored) {
                // shutting down already
            }
            deleteQuietly(dir);
        }
    }

    private String[] visibleDevices() {
        String v = System.getenv("CUDA_VISIBLE_DEVICES");
        if (!device || v == null || v.isBlank()) {
            return null;
        }
        String[] ids = v.split(",");
        if (ids.length < ranks) {
            throw new NemotronException("CUDA_VISIBLE_DEVICES=" + v + " names " + ids.length + " devices for " + ranks
                    + " ranks: use --gpus " + ids.length + " or make more devices visible");
        }
        return ids;
    }

    private void supervise(List<Rank> all) {
        while (true) {
            List<Rank> failed = all.stream().filter(r -> !r.process.isAlive() && r.process.exitValue() != 0).toList();
            if (!failed.isEmpty()) {
                sleep(1500);  // the peers of a crashed rank fail too; let them say so before choosing the cause
                List<Rank> now = new ArrayList<>(all.stream().filter(r -> !r.process.isAlive() && r.process.exitValue() != 0).toList());
                now.sort(Comparator.comparing((Rank r) -> r.lastError().contains(ProcessGroup.PEER_LOST)).thenComparing(r -> !failed.contains(r)));
                Rank cause = now.getFirst();
                all.forEach(Rank::stop);
                for (Rank r : all) {
                    try {
                        if (!r.process.waitFor(10, TimeUnit.SECONDS)) {
                            r.process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                            r.process.toHandle().destroyForcibly();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                cause.awaitOutput();
                String why = cause.lastError().isEmpty() ? "no error message" : cause.lastError();
                throw new NemotronException("rank " + cause.rank + " of " + ranks + " failed (exit code "
                        + cause.process.exitValue() + "): " + why + "; the other ranks were stopped");
            }
            if (all.stream().noneMatch(r -> r.process.isAlive())) {
                return;
            }
            sleep(50);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NemotronException("interrupted while the ranks ran", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary directory: nothing else to do
        }
    }

    /** One child process and the threads copying its output. */
    private static final class Rank {
        final int rank;
        final Process process;
        final Thread outPump;
        final Thread errPump;
        volatile String lastError = "";
        volatile String lastLine = "";

        Rank(int rank, Process process, PrintStream out, PrintStream err) {
            this.rank = rank;
            this.process = process;
            try {
                process.getOutputStream().close();
            } catch (IOException ignored) {
                // no input to give: a closed pipe is as good
            }
            String prefix = "[rank " + rank + "] ";
            this.outPump = pump(process.getInputStream(), out, rank == 0 ? "" : prefix, false);
            this.errPump = pump(process.getErrorStream(), err, prefix, true);
        }

        /**
         * Asks the rank (and what it started) to stop: SIGTERM through its handle, which, unlike
         * {@link Process#destroy}, leaves its output pipes open for what it still has to say.
         */
        void stop() {
            ProcessHandle h = process.toHandle();
            if (h.isAlive()) {
                h.descendants().forEach(ProcessHandle::destroy);
                h.destroy();
            }
        }

        /** The rank's last "error: ..." line without "error: ", else its last stderr line. */
        String lastError() {
            return lastError.isEmpty() ? lastLine : lastError;
        }

        void awaitOutput() {
            try {
                outPump.join(10_000);
                errPump.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Copies {@code in} to {@code to}, {@code prefix} at the start of every line (after \n or \r: progress lines). */
        private Thread pump(InputStream in, OutputStream to, String prefix, boolean watch) {
            Thread t = new Thread(() -> {
                byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
                StringBuilder line = new StringBuilder();
                boolean atStart = true;
                // as ./nemotron does: drop the JVM's incubator-module warning, its first stderr line
                boolean dropFirst = watch && !"1".equals(System.getenv("NEMOTRON_SHOW_INCUBATOR_WARNING"));
                byte[] first = INCUBATOR_WARNING.getBytes(StandardCharsets.UTF_8);
                int matched = 0;
                byte[] buf = new byte[8192];
                try (in) {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        synchronized (to) {
                            for (int i = 0; i < n; i++) {
                                byte b = buf[i];
                                if (dropFirst) {
                                    if (matched == first.length && (b == '\n' || b == '\r')) {
                                        dropFirst = false;
                                        continue;
                                    }
                                    if (matched < first.length && b == first[matched]) {
                                        matched++;
                                        continue;
                                    }
                                    dropFirst = false;  // another first line: give back what was held
                                    to.write(p);
                                    to.write(first, 0, matched);
                                    line.append(new String(first, 0, matched, StandardCharsets.ISO_8859_1));
                                    atStart = false;
                                }
                                if (atStart) {
                                    to.write(p);
                                    atStart = false;
                                }
                                to.write(b);
                                if (b == '\n' || b == '\r') {
                                    atStart = true;
                                    if (watch) {
                                        note(line.toString());
                                    }
                                    line.setLength(0);
                                } else if (watch && line.length() < 4096) {
                                    line.append((char) (b & 0xff));
                                }
                            }
                            to.flush();
                        }
                    }
                    if (watch) {
                        note(line.toString());
                    }
                } catch (IOException ignored) {
                    // the child is gone: its output ends here
                }
            }, "rank-" + rank + "-output");
            t.setDaemon(true);
            t.start();
            return t;
        }

        private void note(String raw) {
            String l = new String(raw.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8).strip();
            if (l.isEmpty()) {
                return;
            }
            lastLine = l;
            if (l.startsWith("error: ")) {
                lastError = l.substring("error: ".length());
            }
        }
    }
}
