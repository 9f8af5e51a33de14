package dev.nemotron.testing.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one helper of the tests that check our output with a runtime no one here wrote, through
 * node: the {@code openai} client, {@code apache-arrow}, {@code onnxruntime-node},
 * {@code node-llama-cpp}. Such a test copies its {@code src/test/node} files (package.json,
 * package-lock.json, scripts) into a work folder under target, installs the pinned packages with
 * {@code npm ci} once per lock file, and runs node there. A test skips itself (with the reason
 * {@link #unavailable()} gives) when node or npm is not installed.
 */
public final class NodeProcess {
    private NodeProcess() {
    }

    /** A finished process: its exit code and its stdout and stderr together. */
    public record Result(int code, String output) {
        /** The last 2,000 characters of the output. */
        public String tail() {
            return output.length() > 2000 ? output.substring(output.length() - 2000) : output;
        }
    }

    /** Why node tests cannot run here ("node not found on PATH", or npm), or null when node and npm both run. */
    public static String unavailable() {
        for (String tool : List.of("node", "npm")) {
            if (!runs(tool, "--version")) {
                return tool + " not found on PATH";
            }
        }
        return null;
    }

    /** Copies {@code files} of {@code source} into {@code work} (created), replacing older copies; returns {@code work}. */
    public static Path prepare(Path source, Path work, List<String> files) throws IOException {
        Files.createDirectories(work);
        for (String file : files) {
            Files.copy(source.resolve(file), work.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        return work;
    }

    /**
     * {@code npm ci ARGS} in {@code work}, unless node_modules was installed from this very
     * package-lock.json (the stamp {@code node_modules/.nemotron-lock}, written when npm succeeds).
     *
     * @return null when already installed, else npm's result (the caller fails or skips on a non-zero code)
     */
    public static Result install(Path work, Map<String, String> env, int timeoutSeconds, String... npmCiArgs) throws IOException,
            InterruptedException {
        Path stamp = work.resolve("node_modules/.nemotron-lock");
        String lock = Files.readString(work.resolve("package-lock.json"));
        if (Files.exists(stamp) && Files.readString(stamp).equals(lock)) {
            return null;
        }
        String[] command = new String[2 + npmCiArgs.length];
        command[0] = "npm";
        command[1] = "ci";
        System.arraycopy(npmCiArgs, 0, command, 2, npmCiArgs.length);
        Result r = run(work, env, timeoutSeconds, command);
        if (r.code() == 0) {
            Files.writeString(stamp, lock);
        }
        return r;
    }

    /**
     * Runs {@code command} in {@code dir} with {@code env} added, stdin closed, stdout and stderr
     * together into a log file (read back and deleted).
     *
     * @throws AssertionError with the output so far when it runs longer than {@code timeoutSeconds}
     */
    public static Result run(Path dir, Map<String, String> env, int timeoutSeconds, String... command) throws IOException,
            InterruptedException {
        Path log = Files.createTempFile(dir, "run", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " timed out after " + timeoutSeconds + " s:\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        return new Result(p.exitValue(), output);
    }

    /** Whether {@code command} starts and exits 0 within a minute. */
    public static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
