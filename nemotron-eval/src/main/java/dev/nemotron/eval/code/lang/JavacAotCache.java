package dev.nemotron.eval.code.lang;

import dev.nemotron.api.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An ahead-of-time cache (JDK 24+ {@code -XX:AOTCache}) for {@code javac}, which starts the compiler
 * about 40% faster. Made once per JDK and flag set by a training run on the host that compiles a small
 * program of our own (no untrusted code), kept in {@code java.io.tmpdir/nemotron-javac-aot-UID/},
 * world-readable so that a sandbox running under another uid can map it. A cache that cannot be made,
 * or a directory owned by someone else, just means no cache. {@code -Dnemotron.eval.javacAot=false}
 * switches it off.
 */
final class JavacAotCache {
    private static final long TRAINING_SECONDS = 120;
    private static final Map<String, Optional<Path>> MADE = new ConcurrentHashMap<>();
    private static final String TRAINING_SOURCE = """
            import java.util.*;
            import java.util.function.*;
            import java.util.stream.*;

            class Solution {
                public List<Integer> evens(List<Integer> xs) {
                    return xs.stream().filter(x -> x % 2 == 0).map(x -> x * x).collect(Collectors.toList());
                }
                public String join(String[] parts) {
                    StringBuilder sb = new StringBuilder();
                    for (String p : parts) { sb.append(p.toUpperCase()).append(String.format("%d", p.length())); }
                    return sb.toString();
                }
                public Optional<Map<String, Integer>> count(List<String> words) {
                    Map<String, Integer> m = new HashMap<>();
                    words.forEach(w -> m.merge(w, 1, Integer::sum));
                    return m.isEmpty() ? Optional.empty() : Optional.of(new TreeMap<>(m));
                }
                record Pair(int a, double b) { }
            }

            public class Main {
                public static void main(String[] args) {
                    Solution s = new Solution();
                    List<Boolean> correct = Arrays.asList(
                            s.evens(new ArrayList<>(Arrays.asList(1, 2, 3, 4))).equals(List.of(4, 16)),
                            !s.join(new String[] {"a", "bc"}).isEmpty(),
                            s.count(List.of("x", "y", "x")).get().get("x") == 2,
                            Math.abs(new Solution.Pair(1, 2.5).b() - 2.5) < 1e-9);
                    if (correct.contains(false)) {
                        throw new AssertionError();
                    }
                }
            }
            """;

    private JavacAotCache() {
    }

    /** The cache for {@code javac} of {@code jdkHome} run with {@code jvmFlags}, made if missing. */
    static Optional<Path> get(Path jdkHome, List<String> jvmFlags) {
        if ("false".equalsIgnoreCase(System.getProperty("nemotron.eval.javacAot"))) {
            return Optional.empty();
        }
        String key = key(jdkHome, jvmFlags);
        return MADE.computeIfAbsent(key, k -> make(jdkHome, jvmFlags, k));
    }

    /** The command line prefix that runs javac of {@code jdkHome} with the JVM flags (and the cache when given). */
    static List<String> javacCommand(Path jdkHome, List<String> jvmFlags, Optional<Path> cache) {
        List<String> cmd = new ArrayList<>();
        cmd.add(jdkHome.resolve("bin/java").toString());
        cmd.addAll(jvmFlags);
        cache.ifPresent(c -> cmd.add("-XX:AOTCache=" + c));
        cmd.addAll(List.of("-m", "jdk.compiler/com.sun.tools.javac.Main"));
        return cmd;
    }

    private static Optional<Path> make(Path jdkHome, List<String> jvmFlags, String key) {
        Path work = null;
        try {
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "nemotron-javac-aot-" + uid());
            Files.createDirectories(dir);
            if (!Files.getAttribute(dir, "unix:uid").equals(uid())) {
                return Optional.empty(); // someone else's directory: do not trust its files
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path cache = dir.resolve("javac-" + key + ".aot");
            if (Files.isRegularFile(cache)) {
                return Optional.of(cache);
            }
            work = Files.createTempDirectory(dir, "training-");
            Files.writeString(work.resolve("Main.java"), TRAINING_SOURCE, StandardCharsets.UTF_8);
            Path tmp = work.resolve("javac.aot");
            List<String> cmd = new ArrayList<>(javacCommand(jdkHome, jvmFlags, Optional.empty()));
            cmd.add(cmd.indexOf("-m"), "-XX:AOTCacheOutput=" + tmp);
            cmd.addAll(List.of("-proc:none", "-d", work.resolve("out").toString(), work.resolve("Main.java").toString()));
            Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(TRAINING_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(tmp)) {
                return Optional.empty();
            }
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            AtomicFiles.move(tmp, cache);
            return Optional.of(cache);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            if (work != null) {
                deleteQuietly(work);
            }
        }
    }

    private static String key(Path jdkHome, List<String> jvmFlags) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(jdkHome.toString().getBytes(StandardCharsets.UTF_8));
            Path release = jdkHome.resolve("release");
            if (Files.isRegularFile(release)) {
                md.update(Files.readAllBytes(release));
                md.update(Long.toString(Files.getLastModifiedTime(release).toMillis()).getBytes(StandardCharsets.UTF_8));
            }
            md.update(String.join(" ", jvmFlags).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest(), 0, 12);
        } catch (NoSuchAlgorithmException | IOException e) {
            return Integer.toHexString((jdkHome + String.join(" ", jvmFlags)).hashCode());
        }
    }

    private static Object uid() throws IOException {
        return Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    private static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // a leftover training directory is harmless
        }
    }
}
