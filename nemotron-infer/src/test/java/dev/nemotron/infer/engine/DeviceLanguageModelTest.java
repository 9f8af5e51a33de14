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
}
