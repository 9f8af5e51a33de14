package dev.nemotron.train.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.NemotronException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PretrainSpecTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static PretrainSpec parse(String json) throws Exception {
        return PretrainSpec.parse(JSON.readTree(json), "spec.json", Path.of("/base"));
    }

    @Test
    void defaultsFollowThePaperAndPathsResolveAgainstTheBase() throws Exception {
        PretrainSpec s = parse("{\"model_config\": \"m/config.json\", \"data\": [\"d1\", {\"path\": \"/abs/d2\", \"weight\": 0.25}],"
                + " \"steps\": 100, \"out\": \"run\"}");
        assertThat(s.modelConfig()).isEqualTo(Path.of("/base/m/config.json"));
        assertThat(s.data()).extracting(PretrainSpec.DataSource::dir).containsExactly(Path.of("/base/d1"), Path.of("/abs/d2"));
        assertThat(s.data().get(1).weight()).isEqualTo(0.25);
        assertThat(s.schedule()).isEqualTo("wsd");
        assertThat(s.lr()).isEqualTo(4.5e-4);
        assertThat(s.beta2()).isEqualTo(0.95);
        assertThat(s.weightDecay()).isEqualTo(0.1);
        assertThat(s.warmup()).isEqualTo(10);
        assertThat(s.evalEvery()).isEqualTo(10);
        assertThat(s.out()).isEqualTo(Path.of("/base/run"));
        assertThat(s.fp8()).isFalse();
    }

    @Test
    void continuedPretrainingDefaultsToAConstantSchedule() throws Exception {
        PretrainSpec s = parse("{\"init_model\": \"m\", \"data\": \"d\", \"steps\": \"5\", \"out\": \"o\", \"seq_len\": 2048}");
        assertThat(s.schedule()).isEqualTo("constant");
        assertThat(s.steps()).isEqualTo(5);
        assertThat(s.seqLen()).isEqualTo(2048);
    }

    @Test
    void aDeviceBackendAndItsPrecision() throws Exception {
        PretrainSpec host = parse("{\"model_config\": \"m\", \"data\": \"d\", \"steps\": 3, \"out\": \"o\"}");
        assertThat(host.backend()).isNull();
        assertThat(host.precision()).isEqualTo("fp32");
        PretrainSpec gpu = parse("{\"model_config\": \"m\", \"data\": \"d\", \"steps\": 3, \"out\": \"o\","
                + " \"backend\": \"cuda\", \"precision\": \"bf16\"}");
        assertThat(gpu.backend()).isEqualTo("cuda");
        assertThat(gpu.precision()).isEqualTo("bf16");
        assertThatThrownBy(() -> parse("{\"model_config\": \"m\", \"data\": \"d\", \"steps\": 3, \"out\": \"o\","
                + " \"precision\": \"bf16\"}"))
                .isInstanceOf(NemotronException.class).hasMessageContaining("'precision' bf16 needs a device backend (--backend cuda)");
        assertThatThrownBy(() -> parse("{\"model_config\": \"m\", \"data\": \"d\", \"steps\": 3, \"out\": \"o\","
                + " \"backend\": \"cuda\", \"precision\": \"fp16\"}"))
                .isInstanceOf(NemotronException.class).hasMessageContaining("'precision' must be fp32 or bf16");
    }

    @Test
    void errorsNameTheField() {
        assertThatThrownBy(() -> parse("{\"model_config\": \"m\", \"data\": \"d\", \"steps\": \"abc\", \"out\": \"o\"}"))
                .isInstanceOf(NemotronException.class).hasMessage("spec.json: field 'steps' must be a positive integer, got \"abc\"");
        assertThatThrownBy(() -> parse("{\"model_config\": \"m\", \"data\": \"d\", \"out\": \"o\"}"))
                .hasMessage("spec.json: missing required field 'steps'");
        assertThatThrownBy(() -> parse("{\"model_config\": \"m\", \"data\": \"d\", \"steps\": 3, \"out\": \"o\", \"stepz\": 1}"))
                .hasMessageStartingWith("spec.json: unknown field 'stepz'; known fields: backend, batch, beta1");
        assertThatThrownBy(() -> parse("{\"model_config\": \"m\", \"init_model\": \"x\", \"data\": \"d\", \"steps\": 3, \"out\": \"o\"}"))
                .hasMessageContaining("exactly one of 'model_config'");
        assertThatThrownBy(() -> parse("{\"model_config\": \"m\", \"steps\": 3, \"out\": \"o\"}"))
                .hasMessageContaining("missing required field 'data'");
        assertThatThrownBy(() -> parse("{\"model_config\": \"m\", \"data\": \"d\", \"steps\": 3, \"out\": \"o\", \"schedule\": \"linear\"}"))
                .hasMessageContaining("'schedule' must be wsd, cosine or constant");
        assertThatThrownBy(() -> parse("{\"model_config\": \"m\", \"data\": \"d\", \"steps\": 3, \"out\": \"o\", \"lr\": -1}"))
                .hasMessageContaining("field 'lr' must be a number in");
        assertThatThrownBy(() -> parse("{\"model_config\": \"m\", \"data\": \"d\", \"steps\": 3, \"out\": \"o\","
                + " \"curriculum\": [{\"end\": 0.5}]}"))
                .hasMessageContaining("curriculum phase 1: needs 'end'");
    }
}
