package dev.nemotron.arch.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads the HF-produced tiny Nemotron-H checkpoints (F32 and BF16). */
class FixtureReadTest {
    private static final Path F32_DIR = TestFiles.fixture("tiny-nemotron-h-a");
    private static final Path BF16_DIR = TestFiles.fixture("tiny-nemotron-h-a-bf16");

    /** golden.json's param_names, in its order: HF module names with the {@code model.} prefix. */
    private static Map<String, long[]> goldenParams() throws Exception {
        JsonNode root = new ObjectMapper().readTree(F32_DIR.resolve("golden.json").toFile());
        Map<String, long[]> out = new LinkedHashMap<>();
        root.get("param_names").properties().forEach(e -> {
            long[] shape = new long[e.getValue().size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = e.getValue().get(i).longValue();
            }
            out.put(e.getKey(), shape);
        });
        return out;
    }

    /** golden.json says {@code model.}, the checkpoint says {@code backbone.}; lm_head is unprefixed. */
    private static String checkpointName(String goldenName) {
        return goldenName.startsWith("model.") ? "backbone." + goldenName.substring("model.".length()) : goldenName;
    }

    @Test
    void namesAndShapesMatchGoldenJsonWithBackbonePrefix() throws Exception {
        Map<String, long[]> golden = goldenParams();
        assertThat(golden).hasSize(61);
        assertThat(golden.keySet()).allMatch(n -> n.startsWith("model.") || n.equals("lm_head.weight"));
        try (SafetensorsFile f = SafetensorsFile.open(F32_DIR.resolve("model.safetensors"))) {
            assertThat(f.names()).noneMatch(n -> n.startsWith("model."))
                    .allMatch(n -> n.startsWith("backbone.") || n.equals("lm_head.weight"));
            assertThat(f.names()).containsExactlyInAnyOrderElementsOf(
                    golden.keySet().stream().map(FixtureReadTest::checkpointName).toList());
            for (Map.Entry<String, long[]> e : golden.entrySet()) {
                Tensor t = f.tensor(checkpointName(e.getKey()));
                assertThat(t.shape()).as(e.getKey()).containsExactly(e.getValue());
                assertThat(t.dtype()).isEqualTo(DType.F32);
            }
            assertThat(f.metadata()).containsExactly(Map.entry("format", "pt"));
        }
    }

    @Test
    void tensorBytesAreTheFileBytesAtTheHeaderOffsets() throws Exception {
        Path file = F32_DIR.resolve("model.safetensors");
        long dataStart = 8 + TestFiles.headerLength(file);
        try (SafetensorsFile f = SafetensorsFile.open(file); RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            assertThat(dataStart + f.dataSize()).isEqualTo(Files.size(file));
            for (String name : f.names()) {
                TensorInfo info = f.info(name);
                byte[] expected = new byte[(int) info.byteSize()];
                raf.seek(dataStart + info.begin());
                raf.readFully(expected);
                assertThat(f.tensor(name).data().mismatch(MemorySegment.ofArray(expected))).as(name).isEqualTo(-1);
            }
            // the segment is a view of the mapping, not a copy
            assertThat(f.tensor("lm_head.weight").data().isMapped()).isTrue();
            assertThat(f.tensor("lm_head.weight").data().isReadOnly()).isTrue();
        }
    }

    @Test
    void bf16CheckpointIsTheF32OneRoundedToNearestEven() throws Exception {
        try (Checkpoint f32 = Checkpoint.open(F32_DIR); Checkpoint bf16 = Checkpoint.open(BF16_DIR)) {
            assertThat(bf16.names()).containsExactlyInAnyOrderElementsOf(f32.names());
            long checked = 0;
            for (String name : f32.names()) {
                Tensor a = f32.require(name);
                Tensor b = bf16.require(name);
                assertThat(b.dtype()).isEqualTo(DType.BF16);
                assertThat(b.shape()).containsExactly(a.shape());
                for (long i = 0; i < a.numel(); i++) {
                    int expected = roundToBf16(Float.floatToRawIntBits(a.getFloat(i)));
                    int actual = b.data().getAtIndex(Tensor.I16_LE, i) & 0xFFFF;
                    if (actual != expected) {
                        throw new AssertionError(name + "[" + i + "]: bf16 bits " + Integer.toHexString(actual)
                                + ", expected " + Integer.toHexString(expected) + " from " + a.getFloat(i));
                    }
                    checked++;
                }
            }
            assertThat(checked).isEqualTo(f32.totalBytes() / 4);
        }
    }

    /** F32 bits to BF16 bits, round to nearest, ties to even (NaN stays a quiet NaN). */
    private static int roundToBf16(int bits) {
        if ((bits & 0x7F800000) == 0x7F800000 && (bits & 0x007FFFFF) != 0) {
            return ((bits >>> 16) | 0x0040) & 0xFFFF;
        }
        int lsb = (bits >>> 16) & 1;
        return ((bits + 0x7FFF + lsb) >>> 16) & 0xFFFF;
    }

    @Test
    void checkpointSummaryCountsEveryParameter() throws Exception {
        long elements = 0;
        for (long[] shape : goldenParams().values()) {
            elements += Tensor.numel(shape);
        }
        try (Checkpoint f32 = Checkpoint.open(F32_DIR); Checkpoint bf16 = Checkpoint.open(BF16_DIR)) {
            assertThat(f32.dtypes()).containsExactly(Map.entry(DType.F32, elements * 4));
            assertThat(f32.totalBytes()).isEqualTo(elements * 4);
            assertThat(bf16.dtypes()).containsExactly(Map.entry(DType.BF16, elements * 2));
            assertThat(f32.metadata()).containsEntry("format", "pt");
            assertThat(f32.files()).hasSize(1);
        }
    }

    @Test
    void goldenOutputsAreReadable() throws Exception {
        JsonNode golden = new ObjectMapper().readTree(F32_DIR.resolve("golden.json").toFile());
        long vocab = golden.get("config").get("vocab_size").longValue();
        try (SafetensorsFile g = SafetensorsFile.open(F32_DIR.resolve("golden.safetensors"))) {
            for (JsonNode c : golden.get("cases")) {
                int i = c.get("index").intValue();
                long len = c.get("length").longValue();
                Tensor ids = g.tensor("case" + i + ".input_ids");
                assertThat(ids.dtype()).isEqualTo(DType.I64);
                assertThat(ids.shape()).containsExactly(1, len);
                assertThat(g.tensor("case" + i + ".logits").shape()).containsExactly(len, vocab);
                for (long k = 0; k < len; k++) {
                    assertThat(ids.getLong(k)).isBetween(0L, vocab - 1);
                }
            }
        }
    }

    @Test
    void rewritingTheHfFileReproducesItByteForByte(@TempDir Path tmp) throws Exception {
        for (Path dir : new Path[] {F32_DIR, BF16_DIR}) {
            Path original = dir.resolve("model.safetensors");
            Path copy = tmp.resolve(dir.getFileName() + ".safetensors");
            try (SafetensorsFile f = SafetensorsFile.open(original)) {
                Map<String, Tensor> tensors = new LinkedHashMap<>();
                f.names().forEach(n -> tensors.put(n, f.tensor(n)));
                SafetensorsWriter.write(copy, tensors, f.metadata());
            }
            assertThat(Files.mismatch(original, copy)).as(dir.toString()).isEqualTo(-1L);
        }
    }
}
