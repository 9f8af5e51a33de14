package dev.nemotron.eval.code.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The degraded mode (no namespaces), forced: it says what it lacks and still enforces the limits. */
class PlainSandboxTest {
    @Test
    void withoutNamespacesTheReportSaysWhatIsMissingAndLimitsStillHold(@TempDir Path root) throws IOException {
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        Sandbox plain = Sandbox.create(root, false);
        SandboxCapabilities caps = plain.capabilities();
        assumeTrue(caps.available(), caps.reason());
        assertThat(caps.mode()).isEqualTo(SandboxMode.PLAIN);
        assertThat(caps.reason()).contains("switched off");
        assertThat(caps.isActive(SandboxCapabilities.NETWORK)).isFalse();
        assertThat(caps.protection(SandboxCapabilities.NETWORK).orElseThrow().detail()).contains("no network namespace");
        assertThat(caps.isActive(SandboxCapabilities.READ_ONLY)).isFalse();

        ExecutionResult ok = plain.run(ExecutionRequest.of(Map.of("a.txt", "hi"), List.of("/bin/sh", "-c", "cat a.txt"),
                ResourceLimits.defaults()));
        assertThat(ok.status()).isEqualTo(ExecutionStatus.PASSED);
        assertThat(ok.stdout()).isEqualTo("hi");

        ExecutionResult slow = plain.run(ExecutionRequest.of(Map.of(), List.of("/bin/sh", "-c", "sleep 30"),
                ResourceLimits.defaults().withWallTime(Duration.ofSeconds(1))));
        assertThat(slow.status()).isEqualTo(ExecutionStatus.TIMEOUT);
        assertThat(slow.wallTime()).isLessThan(Duration.ofSeconds(10));
    }
}
