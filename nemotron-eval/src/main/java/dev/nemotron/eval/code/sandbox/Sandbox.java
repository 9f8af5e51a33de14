package dev.nemotron.eval.code.sandbox;

import dev.nemotron.api.NemotronException;
import java.nio.file.Path;

/**
 * Runs untrusted programs (model-written code with a task's tests) in a separate process under
 * limits: wall-clock timeout with process-tree kill, CPU time, address space, processes, output and
 * file size, a private working directory deleted afterwards, an empty environment and, where Linux
 * namespaces are available, no network, a read-only view of the filesystem and no privileges.
 *
 * <p>What is in force on this machine, and why the rest is not, is in {@link #capabilities()}; see
 * docs/eval-code.md. Thread-safe: runs may go in parallel.
 *
 * <pre>{@code
 * Sandbox sandbox = Sandbox.create();
 * ExecutionResult r = sandbox.run(ExecutionRequest.of(Map.of("a.py", "print(1)"),
 *         List.of("/usr/bin/python3", "a.py"), ResourceLimits.defaults()));
 * }</pre>
 */
public final class Sandbox {
    private static volatile Sandbox shared;

    private final SandboxCapabilities capabilities;
    private final Launcher launcher;

    private Sandbox(CapabilityProbe.Result probe, Path tempRoot) {
        this.capabilities = probe.capabilities();
        this.launcher = capabilities.available()
                ? new Launcher(capabilities.mode(), probe.tools(), tempRoot, probe.dropUid()) : null;
    }

    /** The strongest sandbox this machine allows, probed once per JVM, with run directories under java.io.tmpdir. */
    public static Sandbox create() {
        Sandbox s = shared;
        if (s == null) {
            synchronized (Sandbox.class) {
                if (shared == null) {
                    shared = create(defaultTempRoot(), true);
                }
                s = shared;
            }
        }
        return s;
    }

    /**
     * A freshly probed sandbox.
     *
     * @param tempRoot        where run directories are made; when this JVM runs as root, programs run
     *                        as a private uid, so every directory on the way must let others pass
     *                        ({@code o+x}): if one does not, the sandbox is {@link SandboxMode#UNAVAILABLE}
     *                        and its reason names the directory
     * @param allowNamespaces false forces {@link SandboxMode#PLAIN} (to test the degraded mode)
     */
    public static Sandbox create(Path tempRoot, boolean allowNamespaces) {
        Path root = tempRoot.toAbsolutePath().normalize();
        return new Sandbox(CapabilityProbe.probe(root, allowNamespaces), root);
    }

    /** What is enforced here. */
    public SandboxCapabilities capabilities() {
        return capabilities;
    }

    /**
     * Runs the request and waits for it to end (at most its wall-clock limit plus a few seconds).
     *
     * @throws NemotronException when the sandbox is unavailable here, or cannot start a process
     */
    public ExecutionResult run(ExecutionRequest request) {
        if (launcher == null) {
            throw new NemotronException("code sandbox unavailable: " + capabilities.reason());
        }
        return launcher.run(request, false);
    }

    private static Path defaultTempRoot() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }
}
