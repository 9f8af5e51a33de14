package dev.nemotron.eval.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.model.RunOptions;
import dev.nemotron.infer.engine.EngineConfig;
import dev.nemotron.infer.engine.HybridLanguageModel;
import dev.nemotron.infer.sampling.SamplingParams;
import dev.nemotron.infer.server.ChatTemplateChoice;
import dev.nemotron.infer.server.ModelOptions;
import dev.nemotron.infer.server.OpenAiServer;
import dev.nemotron.infer.server.ServedModel;
import dev.nemotron.infer.server.ServerConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --weights q8_0 --kv-cache bf16} (a {@link RunOptions} in {@link ModelOptions}) reach the
 * host model of the in-process evaluation engine and of the served model, and both run: the
 * served model answers over HTTP with the engine's greedy text.
 */
class HostRunOptionsServedTest {
    static final RunOptions Q8_BF16 = new RunOptions(DType.Q8_0, DType.BF16);

    @Test
    void q8WeightsAndBf16CacheThroughTheEngineAndTheHttpEndpoint(@TempDir Path tmp) throws Exception {
        Path dir = TinyModel.create(tmp.resolve("tiny"));
        EngineConfig cfg = new EngineConfig(4, 16, 1L << 27);
        try (EngineEvalModel engine = EngineEvalModel.load(dir, new ModelOptions("java", cfg, null, ChatTemplateChoice.AUTO, Q8_BF16));
             ServedModel served = ServedModel.load(dir, new ModelOptions("java", cfg, "tiny", ChatTemplateChoice.AUTO, Q8_BF16));
             OpenAiServer server = OpenAiServer.start(served, ServerConfig.defaults());
             OpenAiEvalModel http = new OpenAiEvalModel(EndpointConfig.of(server.baseUri() + "/v1"))) {
            assertThat(((HybridLanguageModel) engine.served().engine().model()).model().options()).isEqualTo(Q8_BF16);
            assertThat(((HybridLanguageModel) served.engine().model()).model().options()).isEqualTo(Q8_BF16);
            GenerateRequest text = GenerateRequest.of(Prompt.text("The whale"), SamplingParams.greedy(12));
            Completion a = engine.generate(text);
            Completion b = http.generate(text);
            assertThat(a.completionTokens()).isEqualTo(12);
            assertThat(b.text()).isEqualTo(a.text());
        }
    }

    @Test
    void theDefaultsKeepWeightsAsStoredAndAFloat32Cache(@TempDir Path tmp) throws Exception {
        Path dir = TinyModel.create(tmp.resolve("tiny"));
        try (EngineEvalModel engine = EngineEvalModel.load(dir, "java", new EngineConfig(2, 8, 1L << 26))) {
            assertThat(((HybridLanguageModel) engine.served().engine().model()).model().options()).isEqualTo(RunOptions.defaults());
        }
    }
}
