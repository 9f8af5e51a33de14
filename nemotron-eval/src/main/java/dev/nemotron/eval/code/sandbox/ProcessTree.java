package dev.nemotron.eval.code.sandbox;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Kills a process and everything it started.
 *
 * <p>Inside a pid namespace this is exact: once the namespace's init dies (it is killed with its
 * parent, {@code unshare --kill-child}) the kernel kills every process in the namespace. Without one,
 * the run is started as its own session ({@code setsid}), and the whole process group is killed in one
 * {@code kill(-pgid)}, which also reaches orphans whose parent already died; then any remaining
 * descendants. Only a process that deliberately leaves the group ({@code setsid()}) survives, bounded
 * by the CPU-time and process rlimits it inherited.
 */
final class ProcessTree {
    private static final int ROUNDS = 50;

    private ProcessTree() {
    }

    /**
     * Kills the tree of {@code process}.
     *
     * @param kill the {@code kill} program, when the process leads its own process group (started by
     *             {@code setsid}); empty otherwise
     */
    static void kill(Process process, Optional<Path> kill) {
        kill.ifPresent(k -> killGroup(k, process.pid()));
        for (int round = 0; round < ROUNDS; round++) {
            List<ProcessHandle> all = process.descendants().toList();
            if (all.isEmpty()) {
                break;
            }
            all.forEach(ProcessHandle::destroyForcibly);
        }
        process.destroyForcibly();
        kill.ifPresent(k -> killGroup(k, process.pid()));
    }

    private static void killGroup(Path kill, long pgid) {
        try {
            Process p = new ProcessBuilder(kill.toString(), "-KILL", "--", "-" + pgid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            // no kill program: the descendant walk still runs
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
