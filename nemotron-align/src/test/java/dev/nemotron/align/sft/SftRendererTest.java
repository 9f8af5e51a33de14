package dev.nemotron.align.sft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.text.chat.JinjaChatTemplate;
import dev.nemotron.text.chat.NemotronChatTemplate;
import dev.nemotron.text.chat.RenderOptions;
import dev.nemotron.text.tokenizer.Tokenizer;
import dev.nemotron.train.autodiff.loss.CrossEntropy;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Conversations into samples: what carries loss, the inference prompt, the transforms. */
class SftRendererTest {
    static final Tokenizer BPE = Tokenizer.load(Path.of("../examples/tokenizers/nemotron-bpe-2k/tokenizer.json"));
    static final NemotronChatTemplate TEMPLATE = new NemotronChatTemplate();
    static final SftRenderer RENDERER = new SftRenderer(TEMPLATE, BPE);
    static final SftTransforms.Decision KEEP = new SftTransforms.Decision(false, -1);

    static String decode(int[] ids, int from, int to) {
        return BPE.decode(Arrays.copyOfRange(ids, from, to), false);
    }

    /** The text that carries loss: the tokens whose position has a target (targets[i] predicts ids[i + 1]). */
    static String lossText(SftSample s) {
        int[] t = s.targets();
        StringBuilder kept = new StringBuilder();
        int first = -1;
        for (int i = 0; i < t.length; i++) {
            if (t[i] != CrossEntropy.IGNORE_INDEX) {
                assertThat(t[i]).isEqualTo(s.ids()[i + 1]);
                first = first < 0 ? i + 1 : first;
            } else {
                assertThat(first).as("a masked position after the loss started, at " + i).isNegative();
            }
        }
        kept.append(decode(s.ids(), first, s.ids().length));
        return kept.toString();
    }

    @Test
    void onlyTheAssistantsReasoningAnswerAndEndOfTurnCarryLoss() {
        SftConversation c = SftConversation.parse("{\"messages\": [{\"role\": \"system\", \"content\": \"Be exact.\"}, "
                + "{\"role\": \"user\", \"content\": \"What is 2 + 3?\"}, {\"role\": \"assistant\", \"content\": \"5\", "
                + "\"reasoning_content\": \"2 + 3 = 5.\"}]}", "t:1");
        List<SftSample> samples = RENDERER.render(c, KEEP, "t:1");
        assertThat(samples).hasSize(1);
        SftSample s = samples.getFirst();
        assertThat(lossText(s)).isEqualTo("2 + 3 = 5.\n</think>\n5\n<SPECIAL_12>\n");
        // the prompt is exactly what inference renders and encodes before the model's turn
        String prompt = TEMPLATE.render(c.messages().subList(0, 2), RenderOptions.defaults()).text();
        assertThat(Arrays.copyOf(s.ids(), s.completionStart())).isEqualTo(BPE.encode(prompt));
        assertThat(prompt).endsWith("<SPECIAL_11>Assistant\n<think>\n");
        assertThat(s.thinking()).isTrue();
        // "<think>...</think>answer" in content is the same sample as reasoning_content
        SftConversation inline = SftConversation.parse("{\"messages\": [{\"role\": \"system\", \"content\": \"Be exact.\"}, "
                + "{\"role\": \"user\", \"content\": \"What is 2 + 3?\"}, {\"role\": \"assistant\", \"content\": "
                + "\"<think>2 + 3 = 5.</think>5\"}]}", "t:2");
        assertThat(RENDERER.render(inline, KEEP, "t:2").getFirst().ids()).isEqualTo(s.ids());
    }

    @Test
    void everyAssistantTurnIsOneSampleInTheContextItIsGeneratedIn() {
        SftConversation c = SftConversation.parse("{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, "
                + "{\"role\": \"assistant\", \"content\": \"<think>greet</think>Hello.\"}, {\"role\": \"user\", \"content\": \"Bye\"}, "
                + "{\"role\": \"assistant\", \"content\": \"Goodbye.\"}]}", "t:1");
        List<SftSample> samples = RENDERER.render(c, KEEP, "t:1");
        assertThat(samples).hasSize(2);
        assertThat(lossText(samples.get(0))).isEqualTo("greet\n</think>\nHello.\n<SPECIAL_12>\n");
        // the second turn has no trace: rendered with reasoning off; the first turn is history without its reasoning
        assertThat(lossText(samples.get(1))).isEqualTo("Goodbye.\n<SPECIAL_12>\n");
        String prompt2 = decode(samples.get(1).ids(), 0, samples.get(1).completionStart());
        assertThat(prompt2).contains("<SPECIAL_11>Assistant\nHello.\n<SPECIAL_12>\n").doesNotContain("greet")
                .endsWith("<SPECIAL_11>Assistant\n<think></think>");
        assertThat(samples.get(1).thinking()).isFalse();
    }

    @Test
    void toolCallsAreLearnedAndToolResultsAreContext() {
        SftConversation c = SftConversation.parse("{\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"add\"}}], "
                + "\"messages\": [{\"role\": \"user\", \"content\": \"Add 2 and 3\"}, {\"role\": \"assistant\", \"content\": "
                + "\"<think>use the tool</think>\", \"tool_calls\": [{\"id\": \"c1\", \"type\": \"function\", \"function\": "
                + "{\"name\": \"add\", \"arguments\": \"{\\\"a\\\": 2, \\\"b\\\": 3}\"}}]}, {\"role\": \"tool\", \"tool_call_id\": \"c1\", "
                + "\"content\": \"5\"}, {\"role\": \"assistant\", \"content\": \"It is 5.\"}]}", "t:1");
        List<SftSample> samples = RENDERER.render(c, KEEP, "t:1");
        assertThat(lossText(samples.get(0)))
                .isEqualTo("use the tool\n</think>\n<TOOLCALL>[{\"name\": \"add\", \"arguments\": {\"a\": 2, \"b\": 3}}]</TOOLCALL>\n<SPECIAL_12>\n");
        String prompt2 = decode(samples.get(1).ids(), 0, samples.get(1).completionStart());
        assertThat(prompt2).contains("<AVAILABLE_TOOLS>").contains("<TOOL_RESPONSE>[5]</TOOL_RESPONSE>")
                .contains("<TOOLCALL>[{\"name\": \"add\"");
        assertThat(lossText(samples.get(1))).isEqualTo("It is 5.\n<SPECIAL_12>\n");
    }

    @Test
    void reasoningOffRendersAnEmptyTraceAndTheAnswer() {
        SftConversation c = SftConversation.parse("{\"messages\": [{\"role\": \"user\", \"content\": \"What is 2 + 3?\"}, "
                + "{\"role\": \"assistant\", \"content\": \"5\", \"reasoning_content\": \"2 + 3 = 5.\"}]}", "t:1");
        SftSample s = RENDERER.render(c, new SftTransforms.Decision(true, -1), "t:1").getFirst();
        assertThat(decode(s.ids(), 0, s.completionStart())).endsWith("<SPECIAL_11>Assistant\n<think></think>");
        assertThat(lossText(s)).isEqualTo("5\n<SPECIAL_12>\n");
        assertThat(s.thinking()).isFalse();
    }

    @Test
    void aTruncatedTraceIsCutAtNTokensClosedAndKeepsTheAnswer() {
        String trace = "Add 27 and 45 column by column, from the right.\n7 + 5 = 12, write 2 carry 1.\n2 + 4 + 1 = 7, write 7.";
        SftConversation c = SftConversation.parse("{\"messages\": [{\"role\": \"user\", \"content\": \"What is 27 + 45?\"}, "
                + "{\"role\": \"assistant\", \"content\": \"72\", \"reasoning_content\": \"" + trace.replace("\n", "\\n") + "\"}]}", "t:1");
        SftSample s = RENDERER.render(c, new SftTransforms.Decision(false, 6), "t:1").getFirst();
        String cut = BPE.decode(Arrays.copyOf(BPE.encode(trace), 6), false).strip();
        assertThat(cut.length()).isLessThan(trace.length() / 2);
        assertThat(lossText(s)).isEqualTo(cut + "\n</think>\n72\n<SPECIAL_12>\n");
        assertThat(s.truncatedTo()).isEqualTo(6);
        // a trace shorter than the cut is kept whole
        SftSample whole = RENDERER.render(c, new SftTransforms.Decision(false, 1000), "t:1").getFirst();
        assertThat(lossText(whole)).startsWith(trace).endsWith("</think>\n72\n<SPECIAL_12>\n");
        assertThat(whole.truncatedTo()).isEqualTo(-1);
    }

    @Test
    void badConversationsAreOneErrorNamingTheLine() {
        List<String> lines = List.of("[1, 2]", "{\"messages\": []}", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}",
                "{\"messages\": [{\"role\": \"assistant\", \"content\": \"x\"}]}",
                "{\"messages\": [{\"role\": \"user\"}, {\"role\": \"assistant\", \"content\": \"x\"}]}",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": \"assistant\", \"content\": 7}]}");
        List<String> expected = List.of("f.jsonl:9: expected a JSON object", "f.jsonl:9: expected a non-empty 'messages' array",
                "f.jsonl:9: no assistant turn", "f.jsonl:9: messages[0]: an assistant turn needs a user turn before it",
                "f.jsonl:9: messages[0]: missing 'content'", "f.jsonl:9: messages[1].content must be a string");
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            assertThatThrownBy(() -> RENDERER.render(SftConversation.parse(line, "f.jsonl:9"), KEEP, "f.jsonl:9"))
                    .as(line).isInstanceOf(NemotronException.class).hasMessageContaining(expected.get(i));
        }
    }

    @Test
    void transformsAreSeededPerConversationAtTheirFractions() {
        SftTransforms t = SftTransforms.of(0.1, 42).withTruncation(8, 32, 0.5);
        int off = 0;
        int cut = 0;
        for (int i = 0; i < 4000; i++) {
            SftTransforms.Decision d = t.decide(i);
            assertThat(t.decide(i)).isEqualTo(d);
            off += d.reasoningOff() ? 1 : 0;
            if (d.truncateTo() > 0) {
                cut++;
                assertThat(d.truncateTo()).isBetween(8, 32);
            }
        }
        assertThat(off).isBetween(340, 460);
        assertThat(cut).isBetween(1850, 2150);
        assertThat(SftTransforms.of(0.1, 43).decide(7)).isNotEqualTo(null);
        assertThat(SftTransforms.parseRange("8:32")).containsExactly(8, 32);
        assertThat(SftTransforms.parseRange("16")).containsExactly(16, 16);
        assertThatThrownBy(() -> SftTransforms.parseRange("0:4")).hasMessageContaining("MIN:MAX");
    }

    @Test
    void aJinjaTemplateFromTheTokenizerConfigRendersTheSamples() {
        Path dir = dev.nemotron.testing.Fixtures.dir("qwen3-tokenizer");
        Tokenizer qwen = Tokenizer.load(dir.resolve("tokenizer.json"));
        SftRenderer jinja = new SftRenderer(JinjaChatTemplate.fromTokenizerConfig(dir.resolve("tokenizer_config.json")), qwen);
        SftConversation c = SftConversation.parse("{\"messages\": [{\"role\": \"user\", \"content\": \"What is 2 + 3?\"}, "
                + "{\"role\": \"assistant\", \"content\": \"5\", \"reasoning_content\": \"2 + 3 = 5.\"}]}", "t:1");
        SftSample on = jinja.render(c, KEEP, "t:1").getFirst();
        String prompt = qwen.decode(Arrays.copyOf(on.ids(), on.completionStart()), false);
        String completion = qwen.decode(Arrays.copyOfRange(on.ids(), on.completionStart(), on.ids().length), false);
        assertThat(prompt).endsWith("<|im_start|>assistant\n");
        assertThat(completion).startsWith("<think>").contains("2 + 3 = 5.").contains("</think>").contains("5<|im_end|>");
        SftSample off = jinja.render(c, new SftTransforms.Decision(true, -1), "t:1").getFirst();
        String offCompletion = qwen.decode(Arrays.copyOfRange(off.ids(), off.completionStart(), off.ids().length), false);
        assertThat(offCompletion).doesNotContain("2 + 3 = 5.").contains("5<|im_end|>");
        assertThat(off.thinking()).isFalse();
    }
}
