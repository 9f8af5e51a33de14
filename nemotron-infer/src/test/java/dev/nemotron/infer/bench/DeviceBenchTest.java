package dev.nemotron.infer.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nemotron.api.backend.DeviceModel;
import dev.nemotron.api.backend.DeviceSequence;
import dev.nemotron.api.backend.OnDeviceSampling;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.config.NemotronHConfig;
import dev.nemotron.arch.layer.MixerRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeviceBenchTest {
    private static final NemotronHConfig TINY = new ConfigParser(MixerRegistry.discover())
            .parse(Path.of("../examples/configs/tiny-hybrid/config.json").toAbsolutePath());

    @Test
    void rooflineCountsWeightsOnceAndEachSequencesCacheAndStateReadAndWritten() {
        long weights = 10_000_000;
        CountingModel model = new CountingModel(weights, 2e12);
        DeviceBenchResult r = DeviceBench.run(model, TINY, DType.BF16, 64, 16, 8, List.of(1, 4), 7);

        // tiny-hybrid (M-M*-M-M*-M-): 2 attention layers (2 KV heads of 32), 5 Mamba layers (8 heads x 32, N 32,
        // 2 groups, K 4), vocab 2048 x hidden 128, untied
        long context = 16 + 8 / 2;
        long kv = 2L * context * 2 * 32 * 2 * DType.BF16.byteSize();
        long ssm = 5L * 8 * 32 * 32 * 4;
        long conv = 5L * (8 * 32 + 2 * 2 * 32) * 3 * 4;
        long perSequence = kv + 2 * (ssm + conv);
        long weightsPerStep = weights - 2048L * 128 * DType.BF16.byteSize();
        assertThat(r.weightBytesPerStep()).isEqualTo(weightsPerStep);
        for (DeviceBenchResult.Point p : r.decode()) {
            assertThat(p.bytesPerStep()).isEqualTo(weightsPerStep + p.batch() * perSequence);
            assertThat(p.rooflineTokensPerSecond()).isCloseTo(p.batch() * 2e12 / p.bytesPerStep(), within(1e-6));
            assertThat(p.endToEndOutputTokensPerSecond()).isPositive().isLessThanOrEqualTo(p.decodeTokensPerSecond());
        }
    }

    @Test
    void decodesOslTimedStepsAfterOneWarmUpStepAndReleasesEverySequence() {
        CountingModel model = new CountingModel(1_000_000, 1e12);
        DeviceBench.run(model, TINY, DType.F32, 32, 5, 6, List.of(1, 3), 1);
        // the JIT warm-up steps, then per batch: 1 warm-up (graph capture) + osl timed steps
        List<Integer> expected = new ArrayList<>(java.util.Collections.nCopies(DeviceBench.WARMUP_STEPS, 1));
        expected.addAll(List.of(1, 1, 1, 1, 1, 1, 1, 3, 3, 3, 3, 3, 3, 3));
        assertThat(model.decodeBatches).isEqualTo(expected);
        // warm-up prefills, the timed prefill, then one prompt per sequence of each batch
        assertThat(model.prefillLengths).containsExactly(32, 5, 32, 5, 5, 5, 5);
        assertThat(model.open).isZero();
    }

    @Test
    void withoutOnDeviceSamplingAStepIsTheHostArgmaxOfTheDecodedLogits() {
        CountingModel model = new CountingModel(1_000_000, 1e12);
        DeviceModel hostSampled = new DeviceModel() {
            @Override
            public int vocabSize() {
                return 4;
            }

            @Override
            public DeviceSequence newSequence() {
                return model.newSequence();
            }

            @Override
            public float[] prefill(DeviceSequence sequence, int[] ids) {
                throw new UnsupportedOperationException();
            }

            @Override
            public float[] prefillAll(DeviceSequence sequence, int[] ids) {
                throw new UnsupportedOperationException();
            }

            @Override
            public float[] decode(List<DeviceSequence> sequences, int[] tokens) {
                // row r puts its largest logit on (token + 1) % 4
                float[] logits = new float[sequences.size() * 4];
                for (int r = 0; r < tokens.length; r++) {
                    logits[r * 4 + (tokens[r] + 1) % 4] = 5f;
                }
                return logits;
            }

            @Override
            public long weightBytes() {
                return 0;
            }

            @Override
            public double memoryBandwidth() {
                return 1;
            }

            @Override
            public void close() {
            }
        };
        assertThat(hostSampled.sampling()).isEmpty();
        try (DeviceSequence a = hostSampled.newSequence(); DeviceSequence b = hostSampled.newSequence()) {
            assertThat(DeviceBench.greedy(hostSampled, List.of(a, b), new int[] {3, 1})).containsExactly(0, 2);
        }
        assertThat(model.sampling()).isPresent();
    }

    /** Counts calls; decodeSampled (on the "device") returns token 0 for every row. */
    private static final class CountingModel implements DeviceModel, OnDeviceSampling {
        final long weightBytes;
        final double bandwidth;
        final List<Integer> decodeBatches = new ArrayList<>();
        final List<Integer> prefillLengths = new ArrayList<>();
        int open;

        CountingModel(long weightBytes, double bandwidth) {
            this.weightBytes = weightBytes;
            this.bandwidth = bandwidth;
        }

        @Override
        public int vocabSize() {
            return 2048;
        }

        @Override
        public DeviceSequence newSequence() {
            open++;
            return new DeviceSequence() {
                @Override
                public int length() {
                    return 0;
                }

                @Override
                public long bytes() {
                    return 0;
                }

                @Override
                public void close() {
                    open--;
                }
            };
        }

        @Override
        public float[] prefill(DeviceSequence sequence, int[] ids) {
            prefillLengths.add(ids.length);
            return new float[2048];
        }

        @Override
        public float[] prefillAll(DeviceSequence sequence, int[] ids) {
            throw new UnsupportedOperationException();
        }

        @Override
        public float[] decode(List<DeviceSequence> sequences, int[] tokens) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<OnDeviceSampling> sampling() {
            return Optional.of(this);
        }

        @Override
        public int[] decodeSampled(List<DeviceSequence> sequences, int[] tokens, float temperature, float topP, long seed) {
            decodeBatches.add(sequences.size());
            return new int[sequences.size()];
        }

        @Override
        public long weightBytes() {
            return weightBytes;
        }

        @Override
        public double memoryBandwidth() {
            return bandwidth;
        }

        @Override
        public void close() {
        }
    }
}
