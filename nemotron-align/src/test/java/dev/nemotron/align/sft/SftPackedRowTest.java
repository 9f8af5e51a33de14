package dev.nemotron.align.sft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nemotron.arch.config.ConfigParser;
import dev.nemotron.arch.layer.MixerRegistry;
import dev.nemotron.arch.model.ModelGraph;
import dev.nemotron.train.autodiff.TrainableModel;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.trainer.BatchGradients;
import dev.nemotron.train.trainer.TrainingBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A packed SFT row trains exactly like its samples one by one: on a hybrid model (Mamba-2,
 * attention, MLP), the row's loss and every gradient equal the token-weighted sum over its
 * samples run separately (the row's cross-entropy is the mean over all its loss tokens).
 */
class SftPackedRowTest {
    static final String CONFIG = "{\"vocab_size\": 2048, \"hidden_size\": 16, \"hybrid_override_pattern\": \"M*-M\","
            + " \"num_attention_heads\": 2, \"num_key_value_heads\": 1, \"head_dim\": 8, \"intermediate_size\": 32,"
            + " \"mamba_num_heads\": 4, \"mamba_head_dim\": 4, \"n_groups\": 1, \"ssm_state_size\": 4,"
            + " \"conv_kernel\": 4, \"chunk_size\": 4, \"eos_token_id\": 2}";

    @Test
    void aPackedRowEqualsItsSamplesRunSeparately(@TempDir Path tmp) throws Exception {
        Path config = Files.writeString(tmp.resolve("config.json"), CONFIG);
        MixerRegistry registry = MixerRegistry.discover();
        TrainableModel model = TrainableModel.random(ModelGraph.of(new ConfigParser(registry).parse(config), registry), 5);
        List<SftSample> samples = new ArrayList<>();
        String[] lines = {
            "{\"messages\": [{\"role\": \"user\", \"content\": \"What is 2 + 3?\"}, {\"role\": \"assistant\", \"content\": \"5\", \"reasoning_content\": \"2 + 3 = 5.\"}]}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello.\"}]}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"What is 9 - 4?\"}, {\"role\": \"assistant\", \"content\": \"<think>9 - 4 = 5.</think>5\"}]}"};
        for (String line : lines) {
            samples.addAll(SftRendererTest.RENDERER.render(SftConversation.parse(line, "t"), SftRendererTest.KEEP, "t"));
        }
        List<SftRow> packed = SftPacking.pack(samples, 1000);
        assertThat(packed).hasSize(1);
        SftRow row = packed.getFirst();
        assertThat(row.segments()).hasSize(3);

        Gradients together = model.newGradients();
        double loss = new BatchGradients(model, 1).compute(
                new TrainingBatch(new int[][] {row.inputs()}, new int[][] {row.targets()}, new dev.nemotron.api.layer.train.Segments[] {
                    row.toSegments()}), together);
        Gradients sum = model.newGradients();
        double weighted = 0;
        long tokens = 0;
        for (SftSample s : samples) {
            Gradients g = model.newGradients();
            double l = model.lossAndGradients(s.inputs(), s.targets(), g);
            int n = s.lossTokens();
            weighted += l * n;
            tokens += n;
            for (String name : sum.names()) {
                double[] a = sum.get(name);
                double[] b = g.get(name);
                for (int i = 0; i < a.length; i++) {
                    a[i] += b[i] * n;
                }
            }
        }
        assertThat(loss).isCloseTo(weighted / tokens, within(1e-12));
        for (String name : sum.names()) {
            double[] expected = sum.get(name);
            double[] actual = together.get(name);
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).as(name + "[" + i + "]").isCloseTo(expected[i] / tokens, within(1e-12));
            }
        }
        // without its segments the same row gives another loss: information crossed the seams
        double leaky = new BatchGradients(model, 1).compute(new TrainingBatch(new int[][] {row.inputs()}, new int[][] {row.targets()}),
                model.newGradients());
        assertThat(Math.abs(leaky - loss)).isGreaterThan(1e-9);
    }
}
