package dev.nemotron.eval.code.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the host command line of one run: namespaces ({@code unshare}) and the setup script where
 * the mode has them, the privilege drop, then {@code prlimit} with the request's limits, then the
 * program.
 */
final class SandboxCommand {
    /** The uid the nested user namespace maps to in {@link SandboxMode#NAMESPACES_USER}. */
    static final int INNER_UID = 1000;

    private SandboxCommand() {
    }

    /**
     * The command line.
     *
     * @param mode      the sandbox mode (not {@link SandboxMode#UNAVAILABLE})
     * @param tools     the host tools
     * @param runDir    the run's host directory ({@code src/} and {@code work/} inside)
     * @param limits    the limits
     * @param dropToUid the unprivileged uid a root sandbox switches to, or -1 to keep the uid
     * @param report    whether the setup script reports mounts that stay writable
     * @param program   the program's command line
     */
    static List<String> build(SandboxMode mode, HostTools tools, Path runDir, ResourceLimits limits, int dropToUid,
            boolean report, List<String> program) {
        List<String> cmd = new ArrayList<>();
        if (mode == SandboxMode.PLAIN && processGroupKill(tools)) {
            cmd.add(tools.setsid().orElseThrow().toString()); // its own process group, killed as one
        }
        if (mode == SandboxMode.NAMESPACES_ROOT || mode == SandboxMode.NAMESPACES_USER) {
            cmd.add(tools.unshare().orElseThrow().toString());
            if (mode == SandboxMode.NAMESPACES_USER) {
                cmd.add("--user");
                cmd.add("--map-root-user");
            }
            cmd.addAll(List.of("--net", "--mount", "--pid", "--fork", "--kill-child", "--mount-proc", "--"));
            cmd.addAll(List.of(tools.shell().toString(), "-c", SetupScript.TEXT, "nemotron-sandbox", runDir.toString(),
                    Long.toString(limits.workdirBytes()), report ? "1" : "0"));
            if (mode == SandboxMode.NAMESPACES_USER) {
                // a nested user namespace as an ordinary uid: no capability over the mounts made above
                cmd.addAll(List.of(tools.unshare().orElseThrow().toString(), "--user",
                        "--map-user=" + INNER_UID, "--map-group=" + INNER_UID, "--"));
            }
        }
        tools.setpriv().ifPresent(setpriv -> {
            cmd.add(setpriv.toString());
            if (dropToUid >= 0) {
                cmd.addAll(List.of("--reuid=" + dropToUid, "--regid=" + dropToUid, "--clear-groups"));
            }
            cmd.addAll(List.of("--no-new-privs", "--"));
        });
        cmd.addAll(prlimit(tools, limits, mode == SandboxMode.PLAIN && dropToUid < 0));
        if (mode == SandboxMode.PLAIN) {
            // a shell between this JVM and the program, so that the program's parent is not this JVM
            cmd.addAll(List.of(tools.shell().toString(), "-c", "\"$@\"; exit $?", "nemotron-sandbox"));
        }
        cmd.addAll(program);
        return cmd;
    }

    /** Whether a plain run leads its own process group, so that {@code kill -KILL -PGID} ends it. */
    static boolean processGroupKill(HostTools tools) {
        return tools.setsid().isPresent() && tools.kill().isPresent();
    }

    private static List<String> prlimit(HostTools tools, ResourceLimits limits, boolean sharedProcessCount) {
        long nproc = limits.processes();
        if (sharedProcessCount) {
            // RLIMIT_NPROC counts every process and thread of the uid: allow what already runs, plus the limit
            nproc += TaskCounter.tasksOfUid(tools.uid());
        }
        long cpu = tools.capped("Max cpu time", limits.cpuSeconds() + 1);
        return List.of(tools.prlimit().orElseThrow().toString(),
                "--as=" + both(tools.capped("Max address space", limits.memoryBytes())),
                "--cpu=" + Math.max(1, cpu - 1) + ":" + cpu,
                "--nproc=" + both(tools.capped("Max processes", nproc)),
                "--fsize=" + both(tools.capped("Max file size", limits.fileBytes())),
                "--nofile=" + both(tools.capped("Max open files", limits.openFiles())),
                "--core=0:0",
                "--");
    }

    private static String both(long v) {
        return v + ":" + v;
    }
}
