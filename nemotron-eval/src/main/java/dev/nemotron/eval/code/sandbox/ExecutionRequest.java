package dev.nemotron.eval.code.sandbox;

import dev.nemotron.api.NemotronException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One program to run in the sandbox.
 *
 * @param files         files written into the private working directory before the run (relative
 *                      name → UTF-8 text); the command runs there
 * @param command       the command line (absolute path of the program first, or a name the sandbox's
 *                      {@code PATH=/usr/local/bin:/usr/bin:/bin} finds)
 * @param limits        resource limits
 * @param successMarker when not null, the run passes only if stdout's last non-empty line is exactly this
 *                      text (printed by a harness after the tests, so that a program that exits with 0
 *                      before its tests ran is not a pass); use a fresh random value per run
 * @param environment   extra environment variables; the sandbox starts from an empty environment
 */
public record ExecutionRequest(Map<String, String> files, List<String> command, ResourceLimits limits,
        String successMarker, Map<String, String> environment) {
    public ExecutionRequest {
        Objects.requireNonNull(limits, "limits");
        if (command == null || command.isEmpty()) {
            throw new NemotronException("sandbox request needs a command");
        }
        files = Map.copyOf(new LinkedHashMap<>(files == null ? Map.of() : files));
        for (String name : files.keySet()) {
            Path p = Path.of(name).normalize();
            if (p.isAbsolute() || p.startsWith("..") || name.isBlank()) {
                throw new NemotronException("sandbox file name must be relative and stay inside the working directory, got '" + name + "'");
            }
        }
        command = List.copyOf(command);
        environment = Map.copyOf(environment == null ? Map.of() : environment);
        if (successMarker != null && (successMarker.isBlank() || successMarker.contains("\n"))) {
            throw new NemotronException("sandbox success marker must be one non-blank line");
        }
    }

    /** A request without marker and extra environment. */
    public static ExecutionRequest of(Map<String, String> files, List<String> command, ResourceLimits limits) {
        return new ExecutionRequest(files, command, limits, null, Map.of());
    }

    public ExecutionRequest withSuccessMarker(String marker) {
        return new ExecutionRequest(files, command, limits, marker, environment);
    }

    public ExecutionRequest withLimits(ResourceLimits value) {
        return new ExecutionRequest(files, command, value, successMarker, environment);
    }
}
