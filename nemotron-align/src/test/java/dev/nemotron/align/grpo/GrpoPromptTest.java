package dev.nemotron.align.grpo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nemotron.api.NemotronException;
import dev.nemotron.infer.engine.TextCodec;
import dev.nemotron.text.chat.ChatMessage;
import dev.nemotron.text.chat.NemotronChatTemplate;
import dev.nemotron.text.chat.RenderOptions;
import dev.nemotron.text.chat.RenderedPrompt;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Prompt lines, and their rendering for generation with reasoning on and off. */
class GrpoPromptTest {
    static final Tokenizer BPE = Tokenizer.load(Path.of("../examples/tokenizers/nemotron-bpe-2k/tokenizer.json"));

    @Test
    void aPromptOrMessagesWithTheAnswerAndMetadata() {
        GrpoPrompt p = GrpoPrompt.parse("{\"prompt\": \"What is 3 + 7?\", \"answer\": 10, \"task\": \"add\", \"thinking\": true}", "f:1");
        assertThat(p.messages()).containsExactly(ChatMessage.user("What is 3 + 7?"));
        assertThat(p.reference()).isEqualTo("10");
        assertThat(p.metadata()).containsEntry("task", "add").containsEntry("thinking", "true").doesNotContainKey("answer");
        // SFT data (synth-arithmetic's output) is a prompt file: the assistant's turn is dropped
        GrpoPrompt m = GrpoPrompt.parse("{\"messages\": [{\"role\": \"system\", \"content\": \"Be exact.\"}, {\"role\": \"user\", "
                + "\"content\": \"What is 2 + 2?\"}, {\"role\": \"assistant\", \"content\": \"4\", \"reasoning_content\": \"2 + 2.\"}], "
                + "\"answer\": \"4\", \"text\": \"...\"}", "f:2");
        assertThat(m.messages()).containsExactly(ChatMessage.system("Be exact."), ChatMessage.user("What is 2 + 2?"));
        assertThat(m.question()).isEqualTo("What is 2 + 2?");
        assertThat(m.reference()).isEqualTo("4");
        assertThat(GrpoPrompt.parse("{\"prompt\": \"hi\"}", "f:3").reference()).isEmpty();
    }

    @Test
    void arraysObjectsAndNumbersReachTheRewardAsJsonText() {
        // a Google-IFEval-shaped row: the ifeval reward reads instruction_id_list and kwargs as JSON arrays
        GrpoPrompt p = GrpoPrompt.parse("{\"key\": 1001, \"prompt\": \"Write a note about a cat. Include the word \\\"cat\\\".\", "
                + "\"instruction_id_list\": [\"keywords:existence\"], \"kwargs\": [{\"keywords\": [\"cat\"]}], "
                + "\"extra\": {\"a\": 1.5}, \"flag\": false, \"none\": null}", "f:9");
        assertThat(p.metadata()).containsOnlyKeys("key", "instruction_id_list", "kwargs", "extra", "flag");
        assertThat(p.metadata().get("key")).isEqualTo("1001");
        assertThat(p.metadata().get("instruction_id_list")).isEqualTo("[\"keywords:existence\"]");
        assertThat(p.metadata().get("kwargs")).isEqualTo("[{\"keywords\":[\"cat\"]}]");
        assertThat(p.metadata().get("extra")).isEqualTo("{\"a\":1.5}");
        assertThat(p.metadata().get("flag")).isEqualTo("false");
        assertThat(p.reference()).isEmpty();
    }

    @Test
    void badLinesNameFileAndLine() {
        assertThatThrownBy(() -> GrpoPrompt.parse("{\"prompt\": 3}", "f:4")).isInstanceOf(NemotronException.class)
                .hasMessage("f:4: 'prompt' must be a non-empty string");
        assertThatThrownBy(() -> GrpoPrompt.parse("[1]", "f:5")).hasMessageStartingWith("f:5: expected a JSON object");
        assertThatThrownBy(() -> GrpoPrompt.parse("{\"prompt\": \"x\", \"answer\": [1]}", "f:6"))
                .hasMessage("f:6: 'answer' must be a string or a number");
        assertThatThrownBy(() -> GrpoPrompt.parse("{\"messages\": [{\"role\": \"user\"}]}", "f:7"))
                .hasMessageStartingWith("f:7: messages[0]: missing 'content'");
        assertThatThrownBy(() -> GrpoPrompt.parse("{nope", "f:8")).hasMessageStartingWith("f:8: not valid JSON");
    }

    @Test
    void theRolloutRendersExactlyTheInferencePromptWithReasoningOnOrOff() {
        NemotronChatTemplate template = new NemotronChatTemplate();
        GrpoRollout rollout = new GrpoRollout(template, new TextCodec(BPE, Set.of(2)), 4);
        GrpoPrompt p = GrpoPrompt.parse("{\"prompt\": \"What is 3 + 7?\", \"answer\": 10}", "f:1");
        for (boolean thinking : new boolean[] {true, false}) {
            GrpoRollout.Rendered r = rollout.render(0, p, thinking);
            RenderedPrompt expected = template.render(List.of(ChatMessage.user("What is 3 + 7?")), new RenderOptions(true, thinking, List.of()));
            assertThat(r.rendered().text()).isEqualTo(expected.text());
            assertThat(r.rendered().thinking()).isEqualTo(thinking);
            assertThat(r.ids()).containsExactly(BPE.encode(expected.text()));
            assertThat(r.rendered().text()).endsWith(thinking ? "<think>\n" : "<think></think>");
        }
    }
}
