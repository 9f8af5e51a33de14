package dev.nemotron.gguf;

import dev.nemotron.arch.config.ModelFileFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * GGUF as a model file: {@code --model FILE.gguf} anywhere a model directory is taken. The HF
 * directory of a file ({@link GgufImport}) is made once under a cache directory
 * ({@code -Dnemotron.gguf.cache}, default {@code $TMPDIR/nemotron-gguf}), keyed by the file's
 * path, size and modification time, and published with an atomic rename, so concurrent loads
 * and interrupted ones never see a partial directory.
 */
public final class GgufModelFiles implements ModelFileFormat {
    private static final Logger LOG = LogManager.getLogger(GgufModelFiles.class);

    @Override
    public String name() {
        return "gguf";
    }

    @Override
    public boolean accepts(Path file) {
        if (file.getFileName() != null && file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".gguf")) {
            return true;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(4), StandardCharsets.ISO_8859_1).equals("GGUF");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public Path modelDirectory(Path file) {
        try {
            Path root = cacheRoot();
            Files.createDirectories(root);
            Path dir = root.resolve(stem(file) + "-" + key(file));
            if (Files.isRegularFile(dir.resolve("config.json"))) {
                return dir;
            }
            Path tmp = Files.createTempDirectory(root, ".import-");
            try (GgufFile f = GgufFile.open(file)) {
                LOG.info("{}: converting to a model directory in {}", file, dir);
                GgufImport.writeDirectory(f, tmp);
                try {
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                    // another process published it first: theirs is as good as ours
                }
                return dir;
            } finally {
                deleteTree(tmp);
            }
        } catch (AtomicMoveNotSupportedException e) {
            throw new GgufException(file + ": the GGUF cache " + cacheRoot() + " does not support atomic renames; set -Dnemotron.gguf.cache", e);
        } catch (IOException e) {
            throw new GgufException(file + ": cannot convert to a model directory: " + e.getMessage(), e);
        }
    }

    static Path cacheRoot() {
        String p = System.getProperty("nemotron.gguf.cache");
        return p != null ? Path.of(p) : Path.of(System.getProperty("java.io.tmpdir"), "nemotron-gguf");
    }

    private static String stem(Path file) {
        String n = file.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        n = n.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf") ? n.substring(0, n.length() - 5) : n;
        return n.length() > 60 ? n.substring(0, 60) : n;
    }

    private static String key(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            String id = file.toAbsolutePath().normalize() + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis()
                    + "|v1";
            return HexFormat.of().formatHex(md.digest(id.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not remove {}: {}", dir, e.getMessage());
        }
    }
}
