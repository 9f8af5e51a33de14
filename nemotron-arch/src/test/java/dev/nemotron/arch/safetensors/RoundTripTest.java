package dev.nemotron.arch.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing then reading back: single files and sharded checkpoints. */
class RoundTripTest {
    @TempDir
    Path tmp;

    private static Tensor random(DType dtype, Random rnd, long... shape) {
        byte[] bytes = new byte[(int) (Tensor.numel(shape) * dtype.byteSize())];
        rnd.nextBytes(bytes);
        return new Tensor(dtype, shape, MemorySegment.ofArray(bytes));
    }

    private static Map<String, Tensor> mixedTensors() {
        Random rnd = new Random(42);
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("z.first", random(DType.F32, rnd, 3, 5));
        m.put("a.bf16", random(DType.BF16, rnd, 7));
        m.put("m.f16", random(DType.F16, rnd, 2, 3, 3));
        m.put("ids", random(DType.I64, rnd, 1, 9));
        m.put("scalar", random(DType.F32, rnd));
        m.put("empty", random(DType.F32, rnd, 4, 0));
        m.put("odd.u8", random(DType.U8, rnd, 3));
        m.put("after.odd", Tensor.ofFloats(new float[] {1.5f, -2f, Float.NaN}, 3));
        return m;
    }

    private static void assertSameTensor(String name, Tensor expected, Tensor actual) {
        assertThat(actual.dtype()).as(name).isEqualTo(expected.dtype());
        assertThat(actual.shape()).as(name).containsExactly(expected.shape());
        assertThat(actual.data().mismatch(expected.data())).as(name + " bytes").isEqualTo(-1L);
    }

    @Test
    void singleFileRoundTripIsByteIdenticalAndKeepsOrderAndMetadata() throws Exception {
        Map<String, Tensor> tensors = mixedTensors();
        Map<String, String> meta = Map.of("format", "pt", "note", "ünïcödé \"quoted\"");
        Path file = tmp.resolve("model.safetensors");
        SafetensorsWriter.write(file, tensors, meta);

        long n = TestFiles.headerLength(file);
        long dataBytes = tensors.values().stream().mapToLong(t -> t.data().byteSize()).sum();
        assertThat((8 + n) % 8).as("data section alignment").isZero();
        assertThat(Files.size(file)).isEqualTo(8 + n + dataBytes);
        String header = new String(Files.readAllBytes(file), 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header.stripTrailing()).startsWith("{").endsWith("}");
        assertThat(header.substring(header.stripTrailing().length())).matches(" {0,7}");

        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.names()).containsExactlyElementsOf(tensors.keySet());
            assertThat(f.metadata()).isEqualTo(meta);
            long expectedBegin = 0;
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                assertSameTensor(e.getKey(), e.getValue(), f.tensor(e.getKey()));
                TensorInfo info = f.info(e.getKey());
                assertThat(info.begin()).as("contiguous layout").isEqualTo(expectedBegin);
                expectedBegin = info.end();
            }
            assertThat(f.tensor("after.odd").getFloat(0)).isEqualTo(1.5f);
            assertThat(f.find("missing")).isEmpty();
        }
    }

    @Test
    void noMetadataMeansNoMetadataKey() throws Exception {
        Path file = tmp.resolve("plain.safetensors");
        SafetensorsWriter.write(file, Map.of("x", Tensor.ofFloats(new float[] {1, 2}, 2)));
        assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).doesNotContain("__metadata__");
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.metadata()).isEmpty();
            assertThat(f.tensor("x").toFloatArray()).containsExactly(1f, 2f);
        }
    }

    @Test
    void largeHeapAndNativeSegmentsAreWrittenCompletely() throws Exception {
        float[] values = new float[700_003]; // > 1 MiB, not a multiple of the copy chunk
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.25f - 7;
        }
        Path file = tmp.resolve("big.safetensors");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment nat = arena.allocate(3 << 20);
            for (long i = 0; i < nat.byteSize(); i++) {
                nat.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + 7));
            }
            Map<String, Tensor> m = new LinkedHashMap<>();
            m.put("heap", Tensor.ofFloats(values, values.length));
            m.put("native", new Tensor(DType.U8, new long[] {nat.byteSize()}, nat));
            SafetensorsWriter.write(file, m);
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                assertThat(f.tensor("heap").toFloatArray()).isEqualTo(values);
                assertThat(f.tensor("native").data().mismatch(nat)).isEqualTo(-1L);
            }
        }
    }

    @Test
    void shardedRoundTripThroughCheckpoint() throws Exception {
        Random rnd = new Random(7);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            DType t = List.of(DType.F32, DType.BF16, DType.F16, DType.I64).get(i % 4);
            tensors.put("layers." + i + ".w", random(t, rnd, 8 + i, 4));
        }
        tensors.put("huge", random(DType.F32, rnd, 300)); // 1200 bytes, over the limit: a shard of its own
        long max = 400;
        List<Path> shards = SafetensorsWriter.writeSharded(tmp, tensors, max, Map.of("format", "pt"));

        int n = shards.size();
        assertThat(n).isGreaterThanOrEqualTo(3);
        for (int i = 0; i < n; i++) {
            assertThat(shards.get(i).getFileName().toString())
                    .isEqualTo(String.format("model-%05d-of-%05d.safetensors", i + 1, n));
        }
        long total = tensors.values().stream().mapToLong(t -> t.data().byteSize()).sum();
        JsonNode index = new ObjectMapper().readTree(tmp.resolve("model.safetensors.index.json").toFile());
        assertThat(index.get("metadata").get("total_size").longValue()).isEqualTo(total);
        assertThat(index.get("metadata").get("format").textValue()).isEqualTo("pt");
        List<String> listed = new ArrayList<>();
        index.get("weight_map").fieldNames().forEachRemaining(listed::add);
        assertThat(listed).containsExactlyInAnyOrderElementsOf(tensors.keySet()).isSorted();

        long assigned = 0;
        for (Path shard : shards) {
            try (SafetensorsFile f = SafetensorsFile.open(shard)) {
                assertThat(f.dataSize() <= max || f.names().size() == 1).as(shard + " within the limit").isTrue();
                assertThat(f.metadata()).containsEntry("format", "pt");
                for (String name : f.names()) {
                    assertThat(index.get("weight_map").get(name).textValue())
                            .isEqualTo(shard.getFileName().toString());
                    assigned++;
                }
            }
        }
        assertThat(assigned).isEqualTo(tensors.size());

        try (Checkpoint c = Checkpoint.open(tmp)) {
            assertThat(c.files()).hasSize(n);
            assertThat(c.names()).containsExactlyInAnyOrderElementsOf(tensors.keySet());
            assertThat(c.totalBytes()).isEqualTo(total);
            assertThat(c.metadata()).containsEntry("total_size", Long.toString(total));
            long bf16 = tensors.values().stream().filter(t -> t.dtype() == DType.BF16)
                    .mapToLong(t -> t.data().byteSize()).sum();
            assertThat(c.dtypes()).containsEntry(DType.BF16, bf16).hasSize(4);
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                assertSameTensor(e.getKey(), e.getValue(), c.require(e.getKey()));
            }
        }
        // a directory that does not exist yet is created
        SafetensorsWriter.writeSharded(tmp.resolve("new/sub"), tensors, max, null);
        try (Checkpoint c = Checkpoint.open(tmp.resolve("new/sub"))) {
            assertThat(c.files()).hasSize(n);
        }
        // the index file itself opens the same checkpoint
        try (Checkpoint c = Checkpoint.open(tmp.resolve("model.safetensors.index.json"))) {
            assertThat(c.names()).hasSize(tensors.size());
        }
    }

    @Test
    void plannedTensorsProducedOneAtATimeGiveTheSameFilesAsTheMap() throws Exception {
        Random rnd = new Random(5);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < 7; i++) {
            tensors.put("t" + i, random(i % 2 == 0 ? DType.F32 : DType.BF16, rnd, 10 + 13 * i));
        }
        Path eager = tmp.resolve("eager");
        Path lazy = tmp.resolve("lazy");
        List<Path> a = SafetensorsWriter.writeSharded(eager, tensors, 150, Map.of("format", "pt"));
        Map<String, SafetensorsWriter.Planned> plan = new LinkedHashMap<>();
        tensors.forEach((n, t) -> plan.put(n, new SafetensorsWriter.Planned(t.dtype(), t.shape())));
        List<String> produced = new ArrayList<>();
        List<Path> b = SafetensorsWriter.writeSharded(lazy, plan, (name, arena) -> {
            produced.add(name);
            Tensor t = tensors.get(name);
            MemorySegment copy = arena.allocate(t.data().byteSize());
            copy.copyFrom(t.data());
            return new Tensor(t.dtype(), t.shape(), copy);
        }, 150, Map.of("format", "pt"));
        assertThat(produced).containsExactlyElementsOf(tensors.keySet());
        assertThat(b).hasSameSizeAs(a).hasSizeGreaterThan(2);
        for (int i = 0; i < a.size(); i++) {
            assertThat(Files.readAllBytes(b.get(i))).isEqualTo(Files.readAllBytes(a.get(i)));
        }
        assertThat(Files.readString(lazy.resolve("model.safetensors.index.json")))
                .isEqualTo(Files.readString(eager.resolve("model.safetensors.index.json")));
        // a producer that breaks the plan fails, and leaves no shard under the real name
        Path bad = tmp.resolve("bad");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SafetensorsWriter.writeSharded(bad, plan,
                (name, arena) -> Tensor.ofFloats(new float[1], 1), 150, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("planned");
        try (Stream<Path> files = Files.list(bad)) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".safetensors"))).isEmpty();
        }
    }

    @Test
    void reshardingRemovesStaleShardsAndSingleFile() throws Exception {
        Random rnd = new Random(1);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            tensors.put("t" + i, random(DType.F32, rnd, 25));
        }
        SafetensorsWriter.writeSharded(tmp, tensors, 100, Map.of());
        assertThat(listNames()).contains("model-00006-of-00006.safetensors");
        SafetensorsWriter.write(tmp.resolve("model.safetensors"), Map.of("old", Tensor.ofFloats(new float[1], 1)));
        Files.writeString(tmp.resolve("unrelated.txt"), "keep me");

        List<Path> shards = SafetensorsWriter.writeSharded(tmp, tensors, 250, Map.of());
        assertThat(shards).hasSize(3);
        assertThat(listNames()).containsExactlyInAnyOrder("model-00001-of-00003.safetensors",
                "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors",
                "model.safetensors.index.json", "unrelated.txt");
        try (Checkpoint c = Checkpoint.open(tmp)) {
            assertThat(c.names()).containsExactlyInAnyOrderElementsOf(tensors.keySet());
        }
    }

    private List<String> listNames() throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
