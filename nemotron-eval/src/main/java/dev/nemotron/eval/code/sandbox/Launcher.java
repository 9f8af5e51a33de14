package dev.nemotron.eval.code.sandbox;

import dev.nemotron.api.NemotronException;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Runs one request in a given mode: directory, command line, environment, limits, capture, verdict. */
final class Launcher {
    /** Random private uids for root sandboxes come from [BASE, BASE + SPAN). */
    private static final int UID_BASE = 1_500_000_000, UID_SPAN = 100_000_000;
    private static final long DRAIN_MILLIS = 5_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SandboxMode mode;
    private final HostTools tools;
    private final Path tempRoot;
    private final boolean dropUid;
    private final Optional<Path> groupKill;

    /**
     * @param dropUid run as a fresh random uid (root sandboxes with {@code setpriv})
     */
    Launcher(SandboxMode mode, HostTools tools, Path tempRoot, boolean dropUid) {
        this.mode = mode;
        this.tools = tools;
        this.tempRoot = tempRoot;
        this.dropUid = dropUid;
        this.groupKill = mode == SandboxMode.PLAIN && SandboxCommand.processGroupKill(tools) ? tools.kill() : Optional.empty();
    }

    ExecutionResult run(ExecutionRequest request, boolean reportMounts) {
        boolean namespaces = mode == SandboxMode.NAMESPACES_ROOT || mode == SandboxMode.NAMESPACES_USER;
        try (RunDirectory dir = RunDirectory.create(tempRoot, request.files(), !namespaces, dropUid)) {
            int uid = dropUid ? UID_BASE + RANDOM.nextInt(UID_SPAN) : -1;
            List<String> cmd = SandboxCommand.build(mode, tools, dir.root(), request.limits(), uid, reportMounts,
                    request.command());
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(namespaces ? dir.root().toFile() : dir.work().toFile());
            Map<String, String> env = pb.environment();
            env.clear();
            env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
            env.put("HOME", dir.work().toString());
            env.put("TMPDIR", dir.work().toString());
            env.put("LANG", "C.UTF-8");
            env.putAll(request.environment());
            return execute(pb, request);
        }
    }

    private ExecutionResult execute(ProcessBuilder pb, ExecutionRequest request) {
        long start = System.nanoTime();
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new NemotronException("cannot start the sandbox (" + pb.command().getFirst() + "): " + e.getMessage(), e);
        }
        try {
            process.getOutputStream().close(); // no stdin
        } catch (IOException ignored) {
            // already gone
        }
        int limit = request.limits().outputBytes();
        AtomicReference<KillReason> killed = new AtomicReference<>();
        BoundedCapture out = BoundedCapture.start(process.getInputStream(), limit,
                () -> kill(process, killed, KillReason.STDOUT_LIMIT), "sandbox-stdout");
        BoundedCapture err = BoundedCapture.start(process.getErrorStream(), limit,
                () -> kill(process, killed, KillReason.STDERR_LIMIT), "sandbox-stderr");
        MemoryWatchdog memory = MemoryWatchdog.start(process, request.limits().runMemoryBytes(),
                () -> kill(process, killed, KillReason.RUN_MEMORY));
        int exit;
        try {
            if (!process.waitFor(request.limits().wallTime().toNanos(), TimeUnit.NANOSECONDS)) {
                kill(process, killed, KillReason.WALL_CLOCK);
            }
            exit = process.waitFor();
            if (killed.get() != null) {
                exit = -1;
            }
            out.await(DRAIN_MILLIS);
            err.await(DRAIN_MILLIS);
        } catch (InterruptedException e) {
            ProcessTree.kill(process, groupKill);
            Thread.currentThread().interrupt();
            throw new NemotronException("sandbox run interrupted", e);
        } finally {
            memory.stop();
            ProcessTree.kill(process, groupKill);
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - start);
        String stdout = out.text(), stderr = err.text();
        Verdict.Outcome v = Verdict.of(request, killed.get(), exit, stdout, stderr);
        return new ExecutionResult(v.status(), exit, stdout, stderr, wall, v.detail());
    }

    private void kill(Process process, AtomicReference<KillReason> killed, KillReason why) {
        killed.compareAndSet(null, why);
        ProcessTree.kill(process, groupKill);
    }
}
