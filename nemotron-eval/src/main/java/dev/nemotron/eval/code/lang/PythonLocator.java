package dev.nemotron.eval.code.lang;

import dev.nemotron.eval.code.sandbox.ExecutionResult;
import dev.nemotron.eval.code.sandbox.ResourceLimits;
import dev.nemotron.eval.code.sandbox.Sandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Chooses the Python interpreter: {@code $NEMOTRON_PYTHON}, then the real executable behind
 * {@code python3} on {@code PATH} (pyenv and similar shims resolved through {@code sys.executable}),
 * then {@code /usr/bin/python3} and {@code /usr/local/bin/python3}: the first that runs a test program
 * inside the sandbox (a sandbox that switches to another uid cannot use an interpreter under a private
 * home directory).
 */
final class PythonLocator {
    record Choice(String interpreter, String reason) {
    }

    private PythonLocator() {
    }

    static Choice choose(Sandbox sandbox) {
        if (!sandbox.capabilities().available()) {
            return new Choice(null, "code sandbox unavailable: " + sandbox.capabilities().reason());
        }
        Set<String> candidates = new LinkedHashSet<>();
        String env = System.getenv("NEMOTRON_PYTHON");
        if (env != null && !env.isBlank()) {
            candidates.add(env.strip());
        }
        resolveOnPath().ifPresent(candidates::add);
        candidates.add("/usr/bin/python3");
        candidates.add("/usr/local/bin/python3");
        List<String> rejected = new ArrayList<>();
        for (String c : candidates) {
            if (!Files.isExecutable(Path.of(c))) {
                rejected.add(c + ": not found");
                continue;
            }
            ExecutionResult r = sandbox.run(PythonRunner.requestWith(c, "import sys\nprint(sys.version.split()[0])\n",
                    ResourceLimits.defaults().withWallTime(Duration.ofSeconds(30))));
            if (r.passed()) {
                return new Choice(c, "Python " + r.stdout().strip().lines().findFirst().orElse("?") + " at " + c);
            }
            rejected.add(c + ": " + r.detail() + (r.lastStderrLine().isEmpty() ? "" : " (" + r.lastStderrLine() + ")"));
        }
        return new Choice(null, "no Python 3 interpreter runs in the sandbox: " + String.join("; ", rejected));
    }

    /** The executable behind {@code python3} on the host's PATH, asked from Python itself. */
    private static Optional<String> resolveOnPath() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)")
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 && out.startsWith("/") ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
