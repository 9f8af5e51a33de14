package dev.nemotron.train.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.NemotronException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shard rejected at any point gives back every byte of Arrow memory it took (a long-lived reader must not leak per damaged file). */
class ShardMemoryTest {
    @TempDir
    Path dir;

    private static long leftAfterReading(Path shard) {
        try (RootAllocator allocator = new RootAllocator(64L << 20)) {
            try (ShardReader r = ShardReader.open(shard, allocator)) {
                while (r.next() != null) {
                    // read it all
                }
            } catch (NemotronException rejected) {
                // a clean rejection is fine; the memory must still come back
            }
            long left = allocator.getAllocatedMemory();
            if (left > 0) {
                // let the allocator's close not throw, so that the assertion reports the number
                return left;
            }
            return 0;
        }
    }

    @Test
    void theFuzzersDamagedMetadataShardLeavesNothingAllocated() throws Exception {
        Path shard = dir.resolve("damaged.arrow");
        Files.copy(Path.of("src/test/resources/fuzz/shard-damaged-metadata.arrow"), shard, StandardCopyOption.REPLACE_EXISTING);
        assertThat(leftAfterReading(shard)).isZero();
    }

    @Test
    void everySingleByteDamageLeavesNothingAllocated() throws Exception {
        Fixtures.write(dir, "good", Fixtures.randomDocs(3, 12, 20, 5), 100, 64);
        Path good = dir.resolve("shard-00000.arrow");
        byte[] bytes = Files.readAllBytes(good);
        Path damaged = dir.resolve("damaged.arrow");
        for (int i = 0; i < bytes.length; i++) {
            for (int value : new int[] {0x00, 0xff, bytes[i] ^ 0x01}) {
                byte[] copy = bytes.clone();
                copy[i] = (byte) value;
                Files.write(damaged, copy);
                assertThat(leftAfterReading(damaged)).as("byte %d set to %d", i, value).isZero();
            }
        }
    }
}
