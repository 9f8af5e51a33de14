package dev.nemotron.infer.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenBufferTest {

    @Test
    void promptThenGenerated() {
        int[] prompt = {4, 5, 6};
        TokenBuffer h = new TokenBuffer(prompt);
        prompt[0] = 99;   // copied
        assertThat(h.promptLength()).isEqualTo(3);
        assertThat(h.generatedLength()).isZero();
        assertThat(h.lastToken()).isEqualTo(6);
        for (int i = 0; i < 1000; i++) {
            h.append(i);
        }
        assertThat(h.promptToken(0)).isEqualTo(4);
        assertThat(h.generatedLength()).isEqualTo(1000);
        assertThat(h.generatedToken(999)).isEqualTo(999);
        assertThat(h.length()).isEqualTo(1003);
        assertThat(h.lastToken()).isEqualTo(999);
        assertThat(h.generated()).hasSize(1000).startsWith(0, 1, 2);
        assertThatThrownBy(() -> h.generatedToken(1000)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> h.promptToken(3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void forceTokenLeavesOnlyThatToken() {
        float[] l = {1f, 2f, Float.NEGATIVE_INFINITY, 3f};
        LogitsProcessors.forceToken(l, 2);
        assertThat(l).containsExactly(Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, Float.NEGATIVE_INFINITY);
        float[] m = {1f, 2f};
        LogitsProcessors.forceToken(m, 1);
        assertThat(m).containsExactly(Float.NEGATIVE_INFINITY, 2f);
    }

    @Test
    void chainRunsInOrder() {
        StringBuilder order = new StringBuilder();
        LogitsProcessor a = (l, h) -> order.append('a');
        LogitsProcessor b = (l, h) -> order.append('b');
        LogitsProcessors.chain(a, b).apply(new float[1], new TokenBuffer(new int[0]));
        assertThat(order).hasToString("ab");
    }
}
