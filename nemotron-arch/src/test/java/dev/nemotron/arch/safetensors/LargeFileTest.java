package dev.nemotron.arch.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.tensor.DType;
import dev.nemotron.api.tensor.Tensor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A sparse file over 2 GiB: offsets past 2^31 are mapped and read without a ByteBuffer limit. */
class LargeFileTest {
    private static final long BIG = 5L << 29; // 2.5 GiB

    @Test
    @Timeout(120)
    void tensorsPastTwoGibAreReadable(@TempDir Path tmp) throws Exception {
        String json = "{\"big\":{\"dtype\":\"U8\",\"shape\":[" + BIG + "],\"data_offsets\":[0," + BIG + "]},"
                + "\"small\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[" + BIG + "," + (BIG + 16) + "]}}";
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        long dataStart = 8 + header.length;
        long probe = (1L << 31) + 123_457; // inside "big", beyond 2^31
        Path file = tmp.resolve("large.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            try {
                raf.setLength(dataStart + BIG + 16);
            } catch (IOException e) {
                Assumptions.abort("the file system refuses a sparse 2.5 GiB file: " + e);
            }
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
            raf.write(len.array());
            raf.write(header);
            raf.seek(dataStart + probe);
            raf.write(0xA7);
            raf.seek(dataStart + BIG);
            ByteBuffer floats = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            floats.putFloat(1.25f).putFloat(-3f).putFloat(1e-3f).putFloat(65504f);
            raf.write(floats.array());
        }

        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.dataSize()).isEqualTo(BIG + 16);
            Tensor big = f.tensor("big");
            assertThat(big.dtype()).isEqualTo(DType.U8);
            assertThat(big.numel()).isEqualTo(BIG);
            assertThat(big.getLong(probe)).isEqualTo(0xA7);
            assertThat(big.getLong(probe - 1)).isZero();
            assertThat(big.getLong(BIG - 1)).isZero();
            Tensor small = f.tensor("small");
            assertThat(f.info("small").begin()).isGreaterThan(1L << 31);
            assertThat(small.toFloatArray()).containsExactly(1.25f, -3f, 1e-3f, 65504f);
        }
        try (Checkpoint c = Checkpoint.open(file)) {
            assertThat(c.totalBytes()).isEqualTo(BIG + 16);
            assertThat(c.require("big").getLong(probe)).isEqualTo(0xA7);
        }
    }
}
