package dev.nemotron.gguf;

import dev.nemotron.arch.config.ModelDirectory;
import dev.nemotron.arch.safetensors.Checkpoint;
import dev.nemotron.fuzz.Fuzz;
import dev.nemotron.testing.Fixtures;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes {@link GgufFile#parse} and the tokenizer/config reconstruction of an import: every input
 * parses (and each tensor it lists can be sliced) or is rejected with one {@link GgufException}
 * line; see docs/fuzzing.md.
 */
class GgufFuzzTest {
    @TempDir
    Path tmp;

    @Test
    void header() throws Exception {
        Path out = tmp.resolve("seed.gguf");
        ModelDirectory dir = ModelDirectory.open(Fixtures.dir("tiny-nemotron-h-a"));
        try (Checkpoint ckpt = dir.openCheckpoint()) {
            GgufExporter.write(dir, ckpt, out, GgmlType.Q8_0);
        }
        byte[] model = Files.readAllBytes(out);
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        kv.put("general.architecture", GgufValue.str("nemotron_h"));
        Fuzz.target("gguf-header")
                .maxLength(1 << 18)
                .seeds(List.of(model, GgufTestFiles.withTensorType(kv, 8),
                        GgufTestFiles.withTensorType(kv, 30)))
                .clean(t -> t instanceof GgufException)
                .run(bytes -> {
                    GgufFile f = GgufFile.parse(MemorySegment.ofArray(bytes), "fuzz.gguf");
                    for (GgufFile.TensorInfo t : f.tensors().values()) {
                        f.bytes(t);
                    }
                    if (f.tensors().containsKey("token_embd.weight")) {
                        NemotronHMetadata.config(f, "float32");
                        GgufVocab.hfFiles(f);
                    }
                });
    }
}
