package dev.nemotron.eval.code.sandbox;

import dev.nemotron.api.NemotronException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * The private directory of one run: {@code src/} holds the request's files, {@code work/} is where
 * the program runs (a tmpfs mounted inside the namespaces, or the plain directory without them).
 * Deleted, whatever the program left there, by {@link #close()}.
 */
final class RunDirectory implements AutoCloseable {
    private final Path root;

    private RunDirectory(Path root) {
        this.root = root;
    }

    /**
     * A fresh directory under {@code base} with the request's files in place.
     *
     * @param filesInWork   write the files straight into {@code work/} (no setup script copies them)
     * @param worldWritable make {@code work/} writable by any uid (the program runs as another uid)
     */
    static RunDirectory create(Path base, Map<String, String> files, boolean filesInWork, boolean worldWritable) {
        try {
            Files.createDirectories(base);
            Path root = Files.createTempDirectory(base, "nemotron-sandbox-");
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path src = Files.createDirectory(root.resolve("src"));
            Path work = Files.createDirectory(root.resolve("work"));
            if (worldWritable) {
                Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
            Path target = filesInWork ? work : src;
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path file = target.resolve(f.getKey()).normalize();
                Files.createDirectories(file.getParent());
                Files.writeString(file, f.getValue(), StandardCharsets.UTF_8);
            }
            return new RunDirectory(root);
        } catch (IOException e) {
            throw new NemotronException("cannot create the sandbox directory under " + base + ": " + e.getMessage(), e);
        }
    }

    /**
     * Why {@code dir} cannot hold run directories for programs of another uid: the first existing
     * directory from {@code dir} up to {@code /} that does not let others pass ({@code o+x}); empty when
     * all do.
     */
    static Optional<String> closedToOthers(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            if (!Files.isDirectory(p)) {
                continue;
            }
            try {
                if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return Optional.of("sandbox directory " + dir + " is not reachable by other users (" + p
                            + " lacks o+x), and sandboxed programs run as a private uid: use another directory or chmod o+x " + p);
                }
            } catch (IOException e) {
                return Optional.of("cannot read the permissions of " + p + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    Path root() {
        return root;
    }

    Path work() {
        return root.resolve("work");
    }

    /** Deletes the directory tree, first giving the owner back permissions a program may have taken away. */
    @Override
    public void close() {
        deleteTree(root);
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    d.toFile().setReadable(true, true);
                    d.toFile().setWritable(true, true);
                    d.toFile().setExecutable(true, true);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS) && file.toFile().setExecutable(true, true)
                            && file.toFile().setReadable(true, true) && file.toFile().setWritable(true, true)) {
                        deleteTree(file); // a directory the program made unreadable
                    } else {
                        Files.deleteIfExists(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new NemotronException("cannot delete the sandbox directory " + dir + ": " + e.getMessage(), e);
        }
    }
}
