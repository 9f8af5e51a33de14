package dev.nemotron.eval.code.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Finds out which sandbox mode works on this machine by trying it: a probe program runs in the
 * namespaced sandbox and tries to write into a world-writable host directory and counts its network
 * interfaces; the host then checks that nothing was written. Falls back to {@link SandboxMode#PLAIN}
 * with the reason when namespaces fail.
 */
final class CapabilityProbe {
    private static final String PROBE = """
            if (echo escaped > "$1/escaped") 2>/dev/null; then echo write=yes; else echo write=no; fi
            echo "netdevs=$(tail -n +3 /proc/net/dev | grep -cv '^ *lo:')"
            echo "uid=$(id -u)"
            """;

    /** What the probe decided: the capabilities and how to launch runs. */
    record Result(SandboxCapabilities capabilities, HostTools tools, boolean dropUid) {
    }

    private CapabilityProbe() {
    }

    static Result probe(Path tempRoot, boolean allowNamespaces) {
        HostTools tools = HostTools.find();
        String os = System.getProperty("os.name", "?");
        if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
            return unavailable(tools, "the code sandbox needs Linux (rlimits via prlimit, namespaces); this is " + os);
        }
        if (tools.prlimit().isEmpty()) {
            return unavailable(tools, "prlimit (util-linux) not found on PATH: untrusted code would run without resource limits");
        }
        if (tools.isRoot()) {
            Optional<String> closed = RunDirectory.closedToOthers(tempRoot);
            if (closed.isPresent()) {
                return unavailable(tools, closed.get());
            }
        }
        String why;
        if (!allowNamespaces) {
            why = "namespaces switched off by the caller";
        } else if (tools.unshare().isEmpty()) {
            why = "unshare (util-linux) not found on PATH";
        } else if (tools.isRoot() && tools.setpriv().isEmpty()) {
            why = "running as root but setpriv (util-linux) is missing, so the run could not drop root";
        } else {
            SandboxMode mode = tools.isRoot() ? SandboxMode.NAMESPACES_ROOT : SandboxMode.NAMESPACES_USER;
            Attempt a = attempt(mode, tools, tempRoot);
            if (a.error == null) {
                return new Result(new SandboxCapabilities(mode, a.summary, a.protections), tools, tools.isRoot());
            }
            why = "namespaces unavailable (" + a.error + ")";
        }
        return plain(tools, tempRoot, why);
    }

    private record Attempt(String error, String summary, List<Protection> protections) {
    }

    private static Attempt attempt(SandboxMode mode, HostTools tools, Path tempRoot) {
        Path hostDir = null;
        try {
            Files.createDirectories(tempRoot);
            hostDir = Files.createTempDirectory(tempRoot, "nemotron-sandbox-probe-");
            Files.setPosixFilePermissions(hostDir, PosixFilePermissions.fromString("rwxrwxrwx"));
            Launcher launcher = new Launcher(mode, tools, tempRoot, tools.isRoot());
            ExecutionRequest req = ExecutionRequest.of(Map.of("probe.sh", PROBE),
                    List.of(tools.shell().toString(), "probe.sh", hostDir.toString()),
                    ResourceLimits.defaults().withWallTime(Duration.ofSeconds(20)));
            ExecutionResult r = launcher.run(req, true);
            if (r.exitCode() != 0) {
                return new Attempt(firstLine(r.stderr(), r.detail()), null, null);
            }
            boolean escaped = Files.exists(hostDir.resolve("escaped")) || r.stdout().contains("write=yes");
            List<String> writable = r.stderr().lines().filter(l -> l.startsWith(SetupScript.TAG + " stays writable:"))
                    .map(l -> l.substring(l.indexOf(':', SetupScript.TAG.length()) + 1).strip()).toList();
            boolean noNet = r.stdout().contains("netdevs=0");
            return new Attempt(null, mode == SandboxMode.NAMESPACES_ROOT
                    ? "running as root: namespaces, read-only mounts and a private uid"
                    : "user namespaces are available to uid " + tools.uid(),
                    namespaceProtections(mode, tools, escaped, writable, noNet));
        } catch (RuntimeException | IOException e) {
            return new Attempt(e.getMessage(), null, null);
        } finally {
            if (hostDir != null) {
                RunDirectory.deleteTree(hostDir);
            }
        }
    }

    private static List<Protection> namespaceProtections(SandboxMode mode, HostTools tools, boolean escaped,
            List<String> writable, boolean noNet) {
        List<Protection> p = common(tools);
        p.add(new Protection(SandboxCapabilities.TREE_KILL, true,
                "own pid namespace: killing its init (unshare --kill-child) makes the kernel kill every process of the run"));
        p.add(new Protection(SandboxCapabilities.PID_ISOLATION, true,
                "own pid namespace: host processes are invisible and cannot be signalled"));
        p.add(new Protection(SandboxCapabilities.PROCESSES, true, mode == SandboxMode.NAMESPACES_ROOT
                ? "RLIMIT_NPROC of a fresh random uid, so only the run's own processes count"
                : "RLIMIT_NPROC counted inside the run's own user namespace"));
        p.add(new Protection(SandboxCapabilities.WORKDIR, true,
                "a size-limited tmpfs in the run's mount namespace (gone with it), HOME and TMPDIR there; the host directory is deleted afterwards"));
        p.add(new Protection(SandboxCapabilities.NETWORK, noNet, noNet
                ? "own network namespace with no interface (not even loopback up)"
                : "the probe saw network interfaces inside the network namespace"));
        boolean readOnly = !escaped && writable.isEmpty();
        p.add(new Protection(SandboxCapabilities.READ_ONLY, readOnly, readOnly
                ? "every mount remounted read-only in the run's mount namespace; only the private tmpfs is writable"
                : escaped ? "the probe could write to a host directory" : "these mounts stay writable: " + String.join(", ", writable)));
        p.add(new Protection(SandboxCapabilities.PRIVILEGES, true, mode == SandboxMode.NAMESPACES_ROOT
                ? "switches to a fresh random uid (setpriv): no capabilities, no_new_privs"
                : "a nested user namespace as uid " + SandboxCommand.INNER_UID
                        + ": no capability over the run's mounts (they cannot be made writable again); no_new_privs"));
        return p;
    }

    private static Result plain(HostTools tools, Path tempRoot, String why) {
        boolean drop = tools.isRoot() && tools.setpriv().isPresent();
        List<Protection> p = common(tools);
        p.add(new Protection(SandboxCapabilities.TREE_KILL, true, SandboxCommand.processGroupKill(tools)
                ? "the run is its own process group (setsid), killed in one kill(-pgid), orphans included; only a process"
                        + " that calls setsid() itself escapes (bounded by its rlimits)"
                : "best effort (no setsid or kill program): descendants are killed, but orphans survive (bounded by their rlimits)"));
        p.add(new Protection(SandboxCapabilities.PID_ISOLATION, false,
                "no pid namespace (" + why + "): the program sees host processes and may signal those of its uid"));
        if (drop) {
            p.add(new Protection(SandboxCapabilities.PROCESSES, true, "RLIMIT_NPROC of a fresh random uid (setpriv)"));
        } else if (tools.isRoot()) {
            p.add(new Protection(SandboxCapabilities.PROCESSES, false, "root is exempt from RLIMIT_NPROC and setpriv is missing"));
        } else {
            p.add(new Protection(SandboxCapabilities.PROCESSES, true, "approximate: RLIMIT_NPROC counts every process of uid "
                    + tools.uid() + ", so it is set to the tasks running now plus the run's limit"));
        }
        p.add(new Protection(SandboxCapabilities.WORKDIR, true,
                "a fresh directory, HOME and TMPDIR there, deleted afterwards; no size limit beyond RLIMIT_FSIZE per file"));
        p.add(new Protection(SandboxCapabilities.NETWORK, false, "no network namespace (" + why + ")"));
        p.add(new Protection(SandboxCapabilities.READ_ONLY, false, "no mount namespace (" + why
                + "): the program can write wherever uid " + (drop ? "(a fresh random uid)" : tools.uid()) + " may"));
        p.add(new Protection(SandboxCapabilities.PRIVILEGES, !tools.isRoot() || drop, drop
                ? "switches to a fresh random uid (setpriv): no capabilities, no_new_privs"
                : tools.isRoot() ? "runs as root" : "runs as uid " + tools.uid() + (tools.setpriv().isPresent() ? " with no_new_privs" : "")));
        SandboxCapabilities caps = new SandboxCapabilities(SandboxMode.PLAIN, why, p);
        Launcher launcher = new Launcher(SandboxMode.PLAIN, tools, tempRoot, drop);
        ExecutionResult r = launcher.run(ExecutionRequest.of(Map.of(), List.of(tools.shell().toString(), "-c", "true"),
                ResourceLimits.defaults()), false);
        if (r.exitCode() != 0) {
            return unavailable(tools, why + "; and the plain sandbox failed too: " + firstLine(r.stderr(), r.detail()));
        }
        return new Result(caps, tools, drop);
    }

    private static List<Protection> common(HostTools tools) {
        List<Protection> p = new ArrayList<>();
        p.add(new Protection(SandboxCapabilities.WALL_CLOCK, true, "the run is killed at ResourceLimits.wallTime"));
        p.add(new Protection(SandboxCapabilities.CPU, true, "RLIMIT_CPU (prlimit): SIGXCPU at the limit"));
        p.add(new Protection(SandboxCapabilities.MEMORY, true, "RLIMIT_AS (prlimit) per process"));
        p.add(new Protection(SandboxCapabilities.RUN_MEMORY, true, "resident memory of all the run's processes summed by"
                + " the host every " + MemoryWatchdog.PERIOD_MILLIS + " ms; the run is killed above the limit (a burst"
                + " between two samples can overshoot)"));
        p.add(new Protection(SandboxCapabilities.OUTPUT, true, "stdout and stderr kept up to the limit; one byte more kills the run"));
        p.add(new Protection(SandboxCapabilities.FILE_SIZE, true, "RLIMIT_FSIZE (prlimit)"));
        p.add(new Protection(SandboxCapabilities.ENVIRONMENT, true, "empty environment plus PATH, HOME, TMPDIR, LANG"));
        return p;
    }

    private static Result unavailable(HostTools tools, String reason) {
        return new Result(new SandboxCapabilities(SandboxMode.UNAVAILABLE, reason, List.of()), tools, false);
    }

    private static String firstLine(String text, String fallback) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(fallback);
    }
}
