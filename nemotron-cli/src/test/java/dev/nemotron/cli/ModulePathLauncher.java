package dev.nemotron.cli;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The command line ./nemotron runs — {@code java <flags> --module-path target/lib --add-modules
 * ALL-MODULE-PATH -m dev.nemotron.cli/...} — for the launcher smoke tests (failsafe sets
 * {@code nemotron.java} and {@code nemotron.lib}). Keep the flags in step with the script.
 */
final class ModulePathLauncher {
    record Result(int code, String out, String err) {
    }

    private ModulePathLauncher() {
    }

    /** The full command for {@code args}. */
    static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("nemotron.java"),
                "--add-modules", "jdk.incubator.vector", "--illegal-native-access=deny",
                "--enable-native-access=dev.nemotron.backend.cuda", "--enable-native-access=com.microsoft.onnxruntime",
                "--add-opens=java.base/java.nio=org.apache.arrow.memory.core", "--sun-misc-unsafe-memory-access=allow",
                "--add-modules", "org.apache.arrow.memory.unsafe",
                "--module-path", System.getProperty("nemotron.lib"), "--add-modules", "ALL-MODULE-PATH",
                "-m", "dev.nemotron.cli/dev.nemotron.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs the command to its end (120 s at most) with no input. */
    static Result run(String... args) throws Exception {
        List<String> cmd = command(args);
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
