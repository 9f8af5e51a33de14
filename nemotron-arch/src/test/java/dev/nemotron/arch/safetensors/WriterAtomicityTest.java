package dev.nemotron.arch.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed write leaves the previous file intact and no temporary file behind. */
class WriterAtomicityTest {
    @TempDir
    Path dir;

    private Path target() {
        return dir.resolve("model.safetensors");
    }

    private byte[] writeOriginal() throws Exception {
        SafetensorsWriter.write(target(), Map.of("old", Tensor.ofFloats(new float[] {1, 2, 3}, 3)), Map.of("v", "1"));
        return Files.readAllBytes(target());
    }

    private List<String> files() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    /** A tensor whose memory is gone: reading its segment throws mid-write. */
    private static Tensor deadTensor(long n) {
        MemorySegment seg;
        try (Arena arena = Arena.ofConfined()) {
            seg = arena.allocate(n * 4);
        }
        return new Tensor(DType.F32, new long[] {n}, seg);
    }

    @Test
    void failingTensorLeavesPreviousFileIntact() throws Exception {
        byte[] before = writeOriginal();
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("fine", Tensor.ofFloats(new float[300_000], 300_000)); // written before the failure
        m.put("dead", deadTensor(16));
        assertThatThrownBy(() -> SafetensorsWriter.write(target(), m)).isInstanceOf(IllegalStateException.class);
        assertThat(Files.readAllBytes(target())).isEqualTo(before);
        assertThat(files()).containsExactly("model.safetensors");
        try (SafetensorsFile f = SafetensorsFile.open(target())) {
            assertThat(f.names()).containsExactly("old");
        }
    }

    @Test
    void invalidNameWritesNothing() throws Exception {
        byte[] before = writeOriginal();
        assertThatThrownBy(() -> SafetensorsWriter.write(target(), Map.of("__metadata__", Tensor.ofFloats(new float[1], 1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Files.readAllBytes(target())).isEqualTo(before);
        assertThat(files()).containsExactly("model.safetensors");
    }

    @Test
    void readOnlyDirectoryLeavesPreviousFileIntact() throws Exception {
        byte[] before = writeOriginal();
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            boolean canStillWrite;
            try {
                Files.delete(Files.createFile(dir.resolve("probe")));
                canStillWrite = true;
            } catch (java.io.IOException denied) {
                canStillWrite = false;
            }
            Assumptions.assumeFalse(canStillWrite, "permissions are not enforced (running as root?)");
            assertThatThrownBy(() -> SafetensorsWriter.write(target(), Map.of("new", Tensor.ofFloats(new float[2], 2))))
                    .isExactlyInstanceOf(SafetensorsException.class)
                    .hasMessageStartingWith("model.safetensors: cannot write:");
            assertThat(Files.readAllBytes(target())).isEqualTo(before);
            assertThat(files()).containsExactly("model.safetensors");
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void targetThatIsADirectoryIsAnError() throws Exception {
        Files.createDirectory(dir.resolve("taken"));
        Files.writeString(dir.resolve("taken/inside"), "x");
        assertThatThrownBy(() -> SafetensorsWriter.write(dir.resolve("taken"), Map.of("a", Tensor.ofFloats(new float[1], 1))))
                .isExactlyInstanceOf(SafetensorsException.class).hasMessageStartingWith("taken: cannot write:");
        assertThat(files()).containsExactly("taken");
        assertThat(Files.readString(dir.resolve("taken/inside"))).isEqualTo("x");
    }

    @Test
    void failedShardedWriteKeepsThePreviousIndex() throws Exception {
        Map<String, Tensor> good = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            good.put("t" + i, Tensor.ofFloats(new float[] {i, i}, 2));
        }
        SafetensorsWriter.writeSharded(dir, good, 16, Map.of());
        byte[] index = Files.readAllBytes(dir.resolve("model.safetensors.index.json"));
        Map<String, Tensor> bad = new LinkedHashMap<>(good);
        bad.put("dead", deadTensor(2));
        assertThatThrownBy(() -> SafetensorsWriter.writeSharded(dir, bad, 16, Map.of()))
                .isInstanceOf(IllegalStateException.class);
        assertThat(Files.readAllBytes(dir.resolve("model.safetensors.index.json"))).isEqualTo(index);
        assertThat(files()).allMatch(n -> !n.endsWith(".tmp"));
    }
}
