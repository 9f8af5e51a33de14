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
        AtomicReference<String> overflow = new AtomicReference<>();
        BoundedCapture out = BoundedCapture.start(process.getInputStream(), limit, () -> overflowed(process, overflow, "stdout"), "sandbox-stdout");
        BoundedCapture err = BoundedCapture.start(process.getErrorStream(), limit, () -> overflowed(process, overflow, "stderr"), "sandbox-stderr");
        boolean timedOut = false;
        int exit;
        try {
            if (!process.waitFor(request.limits().wallTime().toNanos(), TimeUnit.NANOSECONDS)) {
                timedOut = true;
                ProcessTree.kill(process, groupKill);
            }
            exit = process.waitFor();
            if (overflow.get() != null || timedOut) {
                exit = -1;
            }
            out.await(DRAIN_MILLIS);
            err.await(DRAIN_MILLIS);
        } catch (InterruptedException e) {
            ProcessTree.kill(process, groupKill);
            Thread.currentThread().interrupt();
            throw new NemotronException("sandbox run interrupted", e);
        } finally {
            ProcessTree.kill(process, groupKill);
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - start);
        String stdout = out.text(), stderr = err.text();
        String overflowName = overflow.get();
        Verdict.Outcome v = Verdict.of(request, timedOut && overflowName == null, overflowName, exit, stdout, stderr);
        return new ExecutionResult(v.status(), exit, stdout, stderr, wall, v.detail());
    }

    private void overflowed(Process process, AtomicReference<String> overflow, String stream) {
        overflow.compareAndSet(null, stream);
        ProcessTree.kill(process, groupKill);
    }
}
