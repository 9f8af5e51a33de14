package dev.nemotron.infer.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.infer.sampling.SamplingParams;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The engine driving a device model (a fake one): prefill, batched decode, slots freed at the end. */
class DeviceLanguageModelTest {
    @Test
    void engineDrivesPrefillThenBatchedDecodeAndReleasesEverySlot() throws Exception {
        FakeDeviceModel device = new FakeDeviceModel(50, 4);
        DeviceLanguageModel lm = new DeviceLanguageModel(device, 64);
        try (GenerationEngine engine = new GenerationEngine(lm, TextCodec.idsOnly(Set.of()), new EngineConfig(4, 16, 1))) {
            List<CompletableFuture<GenerationResult>> results = List.of(
                    engine.submit(GenerationRequest.of(new int[] {1, 2, 3}, SamplingParams.greedy(6)), GenerationListener.ignoringDeltas()).result(),
                    engine.submit(GenerationRequest.of(new int[] {10}, SamplingParams.greedy(6)), GenerationListener.ignoringDeltas()).result(),
                    engine.submit(GenerationRequest.of(new int[] {40, 41, 42, 43, 44}, SamplingParams.greedy(6)), GenerationListener.ignoringDeltas()).result());
            assertThat(results.get(0).get(30, TimeUnit.SECONDS).outputIds()).containsExactly(4, 5, 6, 7, 8, 9);
            assertThat(results.get(1).get(30, TimeUnit.SECONDS).outputIds()).containsExactly(11, 12, 13, 14, 15, 16);
            assertThat(results.get(2).get(30, TimeUnit.SECONDS).outputIds()).containsExactly(45, 46, 47, 48, 49, 0);
        }
        assertThat(device.prefills).isEqualTo(3);
        assertThat(device.decodeBatches).as("decode batch sizes").isNotEmpty().allMatch(n -> n >= 1 && n <= 3);
        assertThat(device.decodeBatches.stream().mapToInt(Integer::intValue).sum()).as("one decode per generated token after the first").isEqualTo(15);
        assertThat(device.freeSlots()).as("every slot released").isEqualTo(4);
        lm.close();
        assertThat(device.closed).isTrue();
    }

    @Test
    void moreRequestsThanSlotsWaitForFreedSlots() throws Exception {
        FakeDeviceModel device = new FakeDeviceModel(20, 2);
        DeviceLanguageModel lm = new DeviceLanguageModel(device, 64);
        try (GenerationEngine engine = new GenerationEngine(lm, TextCodec.idsOnly(Set.of()), new EngineConfig(2, 16, 1))) {
            var futures = new java.util.ArrayList<CompletableFuture<GenerationResult>>();
            for (int i = 0; i < 5; i++) {
                futures.add(engine.submit(GenerationRequest.of(new int[] {i}, SamplingParams.greedy(3)),
                        GenerationListener.ignoringDeltas()).result());
            }
            for (int i = 0; i < 5; i++) {
                assertThat(futures.get(i).get(30, TimeUnit.SECONDS).outputIds()).containsExactly(i + 1, i + 2, i + 3);
            }
        }
        assertThat(device.freeSlots()).isEqualTo(2);
        assertThat(device.decodeBatches).allMatch(n -> n <= 2);
    }

    @Test
    void aRequestLongerThanASlotIsRefusedAtSubmit() {
        DeviceLanguageModel lm = new DeviceLanguageModel(new FakeDeviceModel(20, 1), 8);
        assertThat(lm.sequenceBytes(8)).isZero();
        try (GenerationEngine engine = new GenerationEngine(lm, TextCodec.idsOnly(Set.of()), new EngineConfig(1, 4, 1))) {
            assertThatThrownBy(() -> engine.submit(GenerationRequest.of(new int[] {1, 2, 3}, SamplingParams.greedy(6)),
                    GenerationListener.ignoringDeltas()))
                    .isInstanceOf(NemotronException.class).hasMessageContaining("at most 8");
        }
    }

    @Test
    void aPagedPoolAdmitsByActualNeedSoNothingRunsOutMidDecode() throws Exception {
        // 8 blocks of 4 tokens; each request reaches 4 prompt + 11 decoded = 15 tokens = 4 blocks:
        // two fit at once, the third waits (admitted all together they would need 12 blocks and
        // the device would fail mid-decode)
        FakeDeviceModel device = new FakeDeviceModel(50, 4, 4, 8);
        device.decodeMillis = 20;  // the first request still runs when the others are queued
        DeviceLanguageModel lm = new DeviceLanguageModel(device, 64);
        assertThat(lm.poolBlocks()).isEqualTo(8);
        try (GenerationEngine engine = new GenerationEngine(lm, TextCodec.idsOnly(Set.of()), new EngineConfig(4, 16, 1))) {
            var futures = new java.util.ArrayList<CompletableFuture<GenerationResult>>();
            for (int i = 0; i < 3; i++) {
                futures.add(engine.submit(GenerationRequest.of(new int[] {i, i, i, 10 * i}, SamplingParams.greedy(12)),
                        GenerationListener.ignoringDeltas()).result());
            }
            for (int i = 0; i < 3; i++) {
                GenerationResult r = futures.get(i).get(30, TimeUnit.SECONDS);
                assertThat(r.outputIds()).as("request %d", i).hasSize(12).startsWith(10 * i + 1);
            }
            // a result completes just before the engine takes its reservation back
            for (int i = 0; i < 500 && engine.reservedBlocks() != 0; i++) {
                Thread.sleep(10);
            }
            assertThat(engine.reservedBlocks()).isZero();
        }
        assertThat(device.decodeBatches).as("two sequences at once, never three").contains(2).allMatch(n -> n <= 2);
        assertThat(device.freeBlocks).as("every block back in the pool").isEqualTo(8);
        assertThat(device.freeSlots()).isEqualTo(4);
    }

    @Test
    void aRequestBeyondThePagedPoolIsRefusedAtSubmit() {
        DeviceLanguageModel lm = new DeviceLanguageModel(new FakeDeviceModel(20, 2, 4, 8), 64);
        try (GenerationEngine engine = new GenerationEngine(lm, TextCodec.idsOnly(Set.of()), new EngineConfig(2, 4, 1))) {
            assertThatThrownBy(() -> engine.submit(GenerationRequest.of(new int[] {1, 2, 3}, SamplingParams.greedy(30)),
                    GenerationListener.ignoringDeltas()))
                    .isInstanceOf(NemotronException.class).hasMessageContaining("9 KV cache blocks")
                    .hasMessageContaining("pool of 8 blocks");
            // 32 tokens fit exactly
            GenerationResult ok = engine.generate(GenerationRequest.of(new int[] {1, 2, 3}, SamplingParams.greedy(29)));
            assertThat(ok.outputIds()).hasSize(29);
        }
    }

    @Test
    void sequenceBlocksRoundUpToWholeBlocks() {
        DeviceLanguageModel paged = new DeviceLanguageModel(new FakeDeviceModel(20, 1, 16, 100), 64);
        assertThat(paged.sequenceBlocks(0)).isZero();
        assertThat(paged.sequenceBlocks(1)).isEqualTo(1);
        assertThat(paged.sequenceBlocks(16)).isEqualTo(1);
        assertThat(paged.sequenceBlocks(17)).isEqualTo(2);
        assertThat(paged.poolBlocks()).isEqualTo(100);
        DeviceLanguageModel whole = new DeviceLanguageModel(new FakeDeviceModel(20, 1), 64);
        assertThat(whole.sequenceBlocks(64)).isZero();
        assertThat(whole.poolBlocks()).isEqualTo(Long.MAX_VALUE);
    }
}
