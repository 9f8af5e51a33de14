package dev.nemotron.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import org.junit.jupiter.api.Test;

class WeightFormatTest {
    @Test
    void parsesTheFormatsAndTheirBlockArgument() {
        assertThat(WeightFormat.parse("bf16", "x")).isEqualTo(WeightFormat.NATIVE);
        assertThat(WeightFormat.parse(" FP8 ", "x").block()).isZero();
        assertThat(WeightFormat.parse("fp8-channel", "x")).isEqualTo(WeightFormat.FP8_CHANNEL);
        assertThat(WeightFormat.parse("fp8-block", "x").block()).isEqualTo(128);
        assertThat(WeightFormat.NATIVE.quantized()).isFalse();
        assertThat(WeightFormat.FP8_BLOCK.quantized()).isTrue();
    }

    @Test
    void anUnknownFormatIsOneLineNamingTheSourceAndTheChoices() {
        assertThatThrownBy(() -> WeightFormat.parse("int4", "NEMOTRON_CUDA_WEIGHTS"))
                .isInstanceOf(NemotronException.class)
                .hasMessageContaining("NEMOTRON_CUDA_WEIGHTS")
                .hasMessageContaining("'int4'")
                .hasMessageContaining("fp8-block")
                .hasMessageNotContaining("\n");
    }

    @Test
    void theLmHeadFormatIsBf16OrFp8AndAnUnknownOneIsOneLine() {
        assertThat(WeightFormat.parseLmHead("fp8", "x")).isTrue();
        assertThat(WeightFormat.parseLmHead(" BF16 ", "x")).isFalse();
        assertThat(WeightFormat.parseLmHead("", "x")).isFalse();
        assertThatThrownBy(() -> WeightFormat.parseLmHead("fp4", "-D" + WeightFormat.LM_HEAD_PROPERTY))
                .isInstanceOf(NemotronException.class)
                .hasMessageContaining(WeightFormat.LM_HEAD_PROPERTY)
                .hasMessageContaining("'fp4'")
                .hasMessageContaining("bf16 or fp8")
                .hasMessageNotContaining("\n");
        String old = System.getProperty(WeightFormat.LM_HEAD_PROPERTY);
        try {
            System.clearProperty(WeightFormat.LM_HEAD_PROPERTY);
            assertThat(WeightFormat.fp8LmHeadConfigured()).isFalse();
            System.setProperty(WeightFormat.LM_HEAD_PROPERTY, "fp8");
            assertThat(WeightFormat.fp8LmHeadConfigured()).isTrue();
        } finally {
            if (old == null) {
                System.clearProperty(WeightFormat.LM_HEAD_PROPERTY);
            } else {
                System.setProperty(WeightFormat.LM_HEAD_PROPERTY, old);
            }
        }
    }

    @Test
    void thePropertyWinsOverTheEnvironment() {
        String old = System.getProperty(WeightFormat.PROPERTY);
        try {
            System.setProperty(WeightFormat.PROPERTY, "fp8-block");
            assertThat(WeightFormat.configured()).isEqualTo(WeightFormat.FP8_BLOCK);
        } finally {
            if (old == null) {
                System.clearProperty(WeightFormat.PROPERTY);
            } else {
                System.setProperty(WeightFormat.PROPERTY, old);
            }
        }
    }
}
