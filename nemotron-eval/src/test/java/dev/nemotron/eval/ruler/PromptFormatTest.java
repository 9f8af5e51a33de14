package dev.nemotron.eval.ruler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.text.chat.RenderOptions;
import dev.nemotron.text.chat.RenderedPrompt;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The counted prompt: plain, or wrapped in a chat template (counted too), and with the real Qwen3 tokenizer. */
class PromptFormatTest {
    @Test
    void plainIsInputThenAnswerPrefix() {
        PromptFormat.Rendered r = PromptFormat.plain().render("Question?", " Answer:");
        assertThat(r.text()).isEqualTo("Question? Answer:");
        assertThat(r.inputStart()).isZero();
    }

    @Test
    void nemotronChatWrapsTheInputAsTheUserTurnAndOpensTheReplyWithTheAnswerPrefix() {
        PromptFormat.Rendered r = PromptFormat.nemotronChat().render("Question?", " Answer:");
        assertThat(r.text()).isEqualTo("<SPECIAL_10>System\n\n<SPECIAL_11>User\nQuestion?\n<SPECIAL_11>Assistant\n<think></think>Answer:");
        assertThat(r.text().substring(r.inputStart())).startsWith("Question?");
    }

    @Test
    void chatSamplesCountTheTemplate() {
        RulerGenerator gen = new RulerGenerator(Fixtures.bpeCounter(), RulerOptions.defaults().withFormat(PromptFormat.nemotronChat()));
        for (RulerTask t : List.of(RulerTask.NIAH_SINGLE_1, RulerTask.NIAH_MULTIQUERY, RulerTask.VT)) {
            RulerSample s = gen.generate(t, 4096, 3, 0);
            assertThat(s.promptFormat()).isEqualTo("nemotron-chat");
            SampleChecks.check(s, Fixtures.bpe(), PromptFormat.nemotronChat(), RulerOptions.DEFAULT_TOLERANCE, true);
        }
    }

    @Test
    void withoutTheAnswerBudgetThePromptAloneFillsTheLength() {
        RulerGenerator gen = new RulerGenerator(Fixtures.bpeCounter(), RulerOptions.defaults().withReserveAnswerTokens(false));
        RulerSample s = gen.generate(RulerTask.NIAH_SINGLE_2, 4096, 3, 0);
        SampleChecks.check(s, Fixtures.bpe(), PromptFormat.plain(), RulerOptions.DEFAULT_TOLERANCE, false);
        assertThat(s.tokens()).isGreaterThan(4096 - 82);
    }

    @Test
    void qwenTokenizer() {
        TokenizerTokenCounter qwen = new TokenizerTokenCounter(Fixtures.qwen());
        RulerGenerator gen = new RulerGenerator(qwen, RulerOptions.defaults());
        for (RulerTask t : List.of(RulerTask.NIAH_SINGLE_2, RulerTask.NIAH_MULTIKEY_3, RulerTask.VT, RulerTask.CWE, RulerTask.FWE)) {
            RulerSample s = gen.generate(t, 4096, 21, 0);
            SampleChecks.check(s, Fixtures.qwen(), PromptFormat.plain(), RulerOptions.DEFAULT_TOLERANCE, true);
        }
        RulerSample s = gen.generate(RulerTask.NIAH_MULTIQUERY, 16384, 21, 0);
        SampleChecks.check(s, Fixtures.qwen(), PromptFormat.plain(), RulerOptions.DEFAULT_TOLERANCE, true);
    }

    @Test
    void aTemplateThatRewritesTheMessageIsRejected() {
        PromptFormat f = PromptFormat.chat("shouting", (messages, options) ->
                RenderedPrompt.of(messages.getFirst().contentOrEmpty().toUpperCase()), RenderOptions.defaults());
        assertThatThrownBy(() -> f.render("question", "")).isInstanceOf(NemotronException.class)
                .hasMessageContaining("prompt format 'shouting': the chat template does not copy the user message verbatim");
    }
}
