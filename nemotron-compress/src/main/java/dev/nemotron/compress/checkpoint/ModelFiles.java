package dev.nemotron.compress.checkpoint;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.io.AtomicFiles;
import dev.nemotron.api.json.JsonMappers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** The files of an output model directory besides its weights: the config and the tokenizer's files. */
public final class ModelFiles {
    /** Shard size of written checkpoints (HF's default for {@code save_pretrained} is 5 GB). */
    public static final long DEFAULT_SHARD_BYTES = 4L << 30;

    private ModelFiles() {
    }

    /**
     * Checks that {@code out} can receive a new model: not one of {@code inputs}, and absent or an
     * empty directory (a model already there is never overwritten).
     */
    public static void checkOutput(Path out, Path... inputs) {
        for (Path in : inputs) {
            if (in != null && out.toAbsolutePath().normalize().equals(in.toAbsolutePath().normalize())) {
                throw new NemotronException("--out " + out + " is an input model; write the result to a new directory");
            }
        }
        if (Files.exists(out)) {
            if (!Files.isDirectory(out)) {
                throw new NemotronException("--out " + out + " exists and is not a directory");
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(out)) {
                if (ds.iterator().hasNext()) {
                    throw new NemotronException("--out " + out + " is not empty; give a new or empty directory");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Writes {@code config} as {@code out/config.json} (indented, atomically). Non-finite numbers
     * stay bare ({@code Infinity}, as Python's json module writes and reads them), not strings.
     */
    public static void writeConfig(Path out, ObjectNode config) {
        try {
            Files.createDirectories(out);
            AtomicFiles.writeString(out.resolve("config.json"), JsonMappers.pretty().writer()
                    .without(com.fasterxml.jackson.core.json.JsonWriteFeature.WRITE_NAN_AS_STRINGS).writeValueAsString(config) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out.resolve("config.json"), e);
        }
    }

    /** Reads {@code dir/config.json} as a JSON object, every field kept. */
    public static ObjectNode readConfig(Path dir) {
        Path file = dir.resolve("config.json");
        try {
            if (!(JsonMappers.lenient().readTree(Files.readString(file)) instanceof ObjectNode o)) {
                throw new NemotronException(file + ": expected a JSON object");
            }
            return o;
        } catch (IOException e) {
            throw new NemotronException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Copies the tokenizer's files and the generation config from {@code from} to {@code out}
     * ({@code tokenizer*}, {@code special_tokens_map.json}, {@code added_tokens.json},
     * {@code generation_config.json}, {@code chat_template*}, {@code vocab.*}, {@code merges.txt});
     * returns their names.
     */
    public static List<String> copyCompanions(Path from, Path out) {
        List<String> copied = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(from)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                boolean companion = n.startsWith("tokenizer") || n.startsWith("chat_template") || n.startsWith("vocab.")
                        || n.equals("special_tokens_map.json") || n.equals("added_tokens.json")
                        || n.equals("generation_config.json") || n.equals("merges.txt");
                if (companion && Files.isRegularFile(p)) {
                    Files.copy(p, out.resolve(n), StandardCopyOption.REPLACE_EXISTING);
                    copied.add(n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the tokenizer files of " + from, e);
        }
        copied.sort(null);
        return copied;
    }
}
