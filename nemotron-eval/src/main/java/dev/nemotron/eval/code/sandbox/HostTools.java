package dev.nemotron.eval.code.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The host programs the sandbox is built from ({@code sh}, {@code prlimit}, {@code unshare},
 * {@code setpriv}, all util-linux or POSIX) and facts about this process (effective uid, hard rlimits).
 *
 * @param shell    {@code /bin/sh}
 * @param prlimit  {@code prlimit}, when found
 * @param unshare  {@code unshare}, when found
 * @param setpriv  {@code setpriv}, when found
 * @param setsid   {@code setsid}, when found
 * @param kill     {@code kill}, when found
 * @param uid      the effective uid of this JVM ({@code -1} when it cannot be read)
 * @param hardLimits hard rlimits of this JVM from {@code /proc/self/limits} (name → value; absent = unlimited)
 */
record HostTools(Path shell, Optional<Path> prlimit, Optional<Path> unshare, Optional<Path> setpriv,
        Optional<Path> setsid, Optional<Path> kill, int uid, Map<String, Long> hardLimits) {

    /** The tools found on {@code $PATH} (and in /usr/bin, /bin, /usr/sbin, /sbin). */
    static HostTools find() {
        return new HostTools(Path.of("/bin/sh"), which("prlimit"), which("unshare"), which("setpriv"), which("setsid"),
                which("kill"), readEffectiveUid(),
                readHardLimits());
    }

    boolean isRoot() {
        return uid == 0;
    }

    /** {@code value} capped at this process's hard limit of {@code name} ({@code "Max processes"}, ...). */
    long capped(String name, long value) {
        Long hard = hardLimits.get(name);
        return hard == null ? value : Math.min(hard, value);
    }

    static Optional<Path> which(String name) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(":")));
        }
        dirs.addAll(List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin"));
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    private static int readEffectiveUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }

    private static Map<String, Long> readHardLimits() {
        Map<String, Long> out = new HashMap<>();
        Path limits = Path.of("/proc/self/limits");
        if (!Files.isReadable(limits)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(limits)) {
                // "Max processes             127590               127590               processes"
                if (line.length() < 47 || !line.startsWith("Max ")) {
                    continue;
                }
                String name = line.substring(0, 26).strip();
                String[] rest = line.substring(26).strip().split("\\s+");
                if (rest.length >= 2 && !rest[1].equals("unlimited")) {
                    out.put(name, Long.parseLong(rest[1]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Map.of();
        }
        return out;
    }
}
