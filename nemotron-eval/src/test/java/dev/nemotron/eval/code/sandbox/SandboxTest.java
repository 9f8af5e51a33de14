package dev.nemotron.eval.code.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nemotron.api.NemotronException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox's mechanics with /bin/sh programs: output, exit codes, marker, files, environment, limits. */
class SandboxTest {
    private static Sandbox sandbox;

    @BeforeAll
    static void probe() {
        sandbox = Sandbox.create();
        assumeTrue(sandbox.capabilities().available(), sandbox.capabilities().reason());
    }

    private static ExecutionResult sh(String script, ResourceLimits limits) {
        return sandbox.run(ExecutionRequest.of(Map.of(), List.of("/bin/sh", "-c", script), limits));
    }

    private static ExecutionResult sh(String script) {
        return sh(script, ResourceLimits.defaults());
    }

    @Test
    void capabilitiesNameEveryProtectionWithAReason() {
        SandboxCapabilities caps = sandbox.capabilities();
        assertThat(caps.describe()).contains(caps.mode().name());
        assertThat(caps.protections()).extracting(Protection::name).contains(SandboxCapabilities.NETWORK,
                SandboxCapabilities.READ_ONLY, SandboxCapabilities.PROCESSES, SandboxCapabilities.MEMORY,
                SandboxCapabilities.WALL_CLOCK, SandboxCapabilities.OUTPUT);
        assertThat(caps.protections()).allSatisfy(p -> assertThat(p.detail()).isNotBlank());
    }

    @Test
    void capturesOutputAndExitCode() {
        ExecutionResult r = sh("echo hello; echo oops >&2; exit 3");
        assertThat(r.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("hello\n");
        assertThat(r.stderr()).contains("oops");
        assertThat(r.detail()).isEqualTo("exit code 3");
        assertThat(sh("true").status()).isEqualTo(ExecutionStatus.PASSED);
    }

    @Test
    void aMarkerMustBeTheLastLine() {
        ExecutionRequest withMarker = ExecutionRequest.of(Map.of(), List.of("/bin/sh", "-c", "echo done-123"),
                ResourceLimits.defaults()).withSuccessMarker("done-123");
        assertThat(sandbox.run(withMarker).status()).isEqualTo(ExecutionStatus.PASSED);
        ExecutionResult early = sandbox.run(ExecutionRequest.of(Map.of(), List.of("/bin/sh", "-c", "exit 0"),
                ResourceLimits.defaults()).withSuccessMarker("done-123"));
        assertThat(early.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(early.detail()).contains("marker");
    }

    @Test
    void filesAreInTheWorkingDirectoryAndTheEnvironmentIsClean() {
        ExecutionResult r = sandbox.run(ExecutionRequest.of(Map.of("in/data.txt", "42\n"),
                List.of("/bin/sh", "-c", "cat in/data.txt; echo x > scratch.txt && cat scratch.txt; env"), ResourceLimits.defaults()));
        assertThat(r.status()).isEqualTo(ExecutionStatus.PASSED);
        assertThat(r.stdout()).startsWith("42\nx\n");
        Set<String> allowed = Set.of("PATH", "HOME", "TMPDIR", "LANG", "PWD", "SHLVL", "_", "OLDPWD");
        List<String> names = r.stdout().lines().skip(2).filter(l -> l.contains("=")).map(l -> l.substring(0, l.indexOf('='))).toList();
        assertThat(names).allSatisfy(n -> assertThat(allowed).contains(n));
    }

    @Test
    void runDirectoriesAreDeletedAfterwards(@TempDir Path root) throws IOException {
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Sandbox own = Sandbox.create(root, true);
        assertThat(own.capabilities().mode()).isEqualTo(sandbox.capabilities().mode());
        ExecutionResult r = own.run(ExecutionRequest.of(Map.of("a.txt", "a"),
                List.of("/bin/sh", "-c", "mkdir -p d/e && echo x > d/e/f && echo y > \"$TMPDIR/t\" && chmod 000 d"),
                ResourceLimits.defaults()));
        assertThat(r.status()).isEqualTo(ExecutionStatus.PASSED);
        try (Stream<Path> left = Files.list(root)) {
            assertThat(left.toList()).isEmpty();
        }
    }

    @Test
    void anUnreachableTempRootMakesTheSandboxUnavailableWhenRunningAsRoot(@TempDir Path root) throws IOException {
        assumeTrue(HostTools.find().isRoot(), "only a root sandbox switches to another uid");
        Path closed = Files.createDirectory(root.resolve("closed"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Sandbox s = Sandbox.create(closed.resolve("runs"), true);
        assertThat(s.capabilities().mode()).isEqualTo(SandboxMode.UNAVAILABLE);
        assertThat(s.capabilities().reason()).contains("not reachable by other users").contains(closed.toString());
        assertThatThrownBy(() -> s.run(ExecutionRequest.of(Map.of(), List.of("true"), ResourceLimits.defaults())))
                .isInstanceOf(NemotronException.class).hasMessageContaining("code sandbox unavailable");
    }

    @Test
    void wallClockTimeoutKillsTheWholeTree() throws InterruptedException {
        String token = "31" + System.nanoTime() % 1000;
        ExecutionResult r = sh("sleep " + token + " & sleep " + token + " & sleep " + token,
                ResourceLimits.defaults().withWallTime(Duration.ofMillis(1500)));
        assertThat(r.status()).isEqualTo(ExecutionStatus.TIMEOUT);
        assertThat(r.wallTime()).isLessThan(Duration.ofSeconds(10));
        assertThat(r.detail()).contains("wall-clock limit of 1.5 s");
        assertThat(waitUntilGone("sleep", token)).as("sleep processes left after the kill").isZero();
    }

    @Test
    void outputBeyondTheLimitKillsTheRun() {
        ExecutionResult r = sh("yes", ResourceLimits.defaults().withOutputBytes(64 * 1024));
        assertThat(r.status()).isEqualTo(ExecutionStatus.OUTPUT_LIMIT);
        assertThat(r.stdout()).hasSize(64 * 1024);
        assertThat(sh("yes >&2", ResourceLimits.defaults().withOutputBytes(1000)).status()).isEqualTo(ExecutionStatus.OUTPUT_LIMIT);
    }

    @Test
    void cpuTimeLimitStopsABusyLoop() {
        ExecutionResult r = sh("while :; do :; done", ResourceLimits.defaults().withCpuSeconds(1).withWallTime(Duration.ofSeconds(30)));
        assertThat(r.status()).isEqualTo(ExecutionStatus.CPU_LIMIT);
        assertThat(r.wallTime()).isLessThan(Duration.ofSeconds(25));
    }

    @Test
    void badRequestsAreOneLineErrors() {
        assertThatThrownBy(() -> ExecutionRequest.of(Map.of("/etc/x", ""), List.of("true"), ResourceLimits.defaults()))
                .isInstanceOf(NemotronException.class).hasMessageContaining("/etc/x");
        assertThatThrownBy(() -> ExecutionRequest.of(Map.of("../x", ""), List.of("true"), ResourceLimits.defaults()))
                .isInstanceOf(NemotronException.class).hasMessageContaining("../x");
        assertThatThrownBy(() -> ExecutionRequest.of(Map.of(), List.of(), ResourceLimits.defaults()))
                .isInstanceOf(NemotronException.class).hasMessageContaining("command");
        assertThatThrownBy(() -> ResourceLimits.defaults().withWallTime(Duration.ZERO))
                .isInstanceOf(NemotronException.class).hasMessageContaining("wall-clock");
    }

    /** Waits up to 5 s for processes named {@code name} with argument {@code arg} to vanish; the number left. */
    static long waitUntilGone(String name, String arg) throws InterruptedException {
        long left = 0;
        for (int i = 0; i < 50; i++) {
            left = ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("/" + name)
                    && List.of(p.info().arguments().orElse(new String[0])).contains(arg)).count();
            if (left == 0) {
                return 0;
            }
            Thread.sleep(100);
        }
        return left;
    }
}
