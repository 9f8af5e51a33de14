package dev.nemotron.align.pairs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron.align.dpo.DpoPair;
import dev.nemotron.align.sft.SftRenderer;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardInput;
import dev.nemotron.api.reward.RewardProvider;
import dev.nemotron.text.chat.NemotronChatTemplate;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pairing logic with a stub sampler (answers fixed per seed) and a stub reward through the
 * reward SPI: best against worst, the first of equal scores, ties dropped, the file DPO reads.
 */
class PairMakerTest {
    @TempDir
    Path tmp;

    /** Answers "seed mod 5" with a two-line trace; prompt 2 always answers the same. */
    static final PairMaker.Sampler SAMPLER = (messages, k, seed) -> {
        List<PairMaker.Sample> out = new ArrayList<>();
        boolean constant = messages.getLast().contentOrEmpty().contains("2 + 2");
        for (int j = 0; j < k; j++) {
            out.add(new PairMaker.Sample("Think " + j + ".", constant ? "4" : Long.toString((seed + j) % 5)));
        }
        return out;
    };

    /** A stub reward plugin: 1 when the answer after the trace equals the reference, else 0. */
    static final RewardProvider EXACT = new RewardProvider() {
        @Override
        public String name() {
            return "exact";
        }

        @Override
        public String description() {
            return "stub";
        }

        @Override
        public Reward create(Map<String, String> options) {
            return new Reward() {
                @Override
                public String name() {
                    return "exact";
                }

                @Override
                public double score(RewardInput in) {
                    String c = in.completion();
                    return c.substring(c.lastIndexOf("</think>") + 8).strip().equals(in.reference()) ? 1 : 0;
                }
            };
        }
    };

    @Test
    void writesBestAgainstWorstAndDropsTies() throws Exception {
        Path prompts = Files.write(tmp.resolve("p.jsonl"), List.of(
                "{\"prompt\": \"What is 1 + 2?\", \"answer\": \"3\"}",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"What is 2 + 2?\"}, {\"role\": \"assistant\", \"content\": \"4\"}],"
                        + " \"answer\": 4}",
                "",
                "{\"prompt\": \"What is 0 + 1?\", \"reference\": \"1\"}"));
        Reward reward = RewardChoice.parse("exact").create(List.of(EXACT));
        // prompt 0: seeds 10..13 -> answers 0 1 2 3 (3 is right, index 3); prompt 1: all "4" (a tie);
        // prompt 2: seeds 18..21 -> 3 4 0 1 (1 is right, index 3)
        PairMaker.Counts c = new PairMaker(SAMPLER, reward, 4, 10).run(prompts, tmp.resolve("pairs.jsonl"));
        assertThat(c).isEqualTo(new PairMaker.Counts(3, 2, 1, 12, 0.5));
        List<String> lines = Files.readAllLines(tmp.resolve("pairs.jsonl"));
        assertThat(lines).hasSize(2);
        JsonNode first = JsonMappers.json().readTree(lines.getFirst());
        assertThat(first.get("chosen").get("content").asText()).isEqualTo("3");
        assertThat(first.get("chosen").get("reasoning_content").asText()).isEqualTo("Think 3.");
        assertThat(first.get("rejected").get("content").asText()).isEqualTo("0"); // the first of the wrong ones
        assertThat(first.get("chosen_score").asDouble()).isEqualTo(1.0);
        assertThat(first.get("rejected_score").asDouble()).isEqualTo(0.0);
        assertThat(first.get("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"What is 1 + 2?\"}]");
        JsonNode second = JsonMappers.json().readTree(lines.get(1));
        assertThat(second.get("chosen").get("content").asText()).isEqualTo("1");
        assertThat(second.get("rejected").get("content").asText()).isEqualTo("3");
        // DPO reads what make-pairs writes; the chosen trace is rendered with reasoning on
        SftRenderer renderer = new SftRenderer(new NemotronChatTemplate(),
                Tokenizer.load(Path.of("../examples/tokenizers/nemotron-bpe-2k/tokenizer.json")));
        DpoPair pair = DpoPair.parse(lines.getFirst(), "pairs.jsonl:1", renderer);
        assertThat(pair.chosen().thinking()).isTrue();
        assertThat(renderer.tokenizer().decode(java.util.Arrays.copyOfRange(pair.chosen().ids(), pair.chosen().completionStart(),
                pair.chosen().ids().length), false)).startsWith("Think 3.\n</think>\n3");
    }

    @Test
    void theRewardSeesTheRowsOtherFieldsAsMetadata() throws Exception {
        Path prompts = Files.write(tmp.resolve("m.jsonl"), List.of(
                "{\"prompt\": \"What is 1 + 2?\", \"answer\": \"3\", \"instruction_id_list\": [\"punctuation:no_comma\"], "
                        + "\"kwargs\": [{}], \"task\": \"add\"}"));
        List<Map<String, String>> seen = new ArrayList<>();
        Reward recording = new Reward() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public synchronized double score(RewardInput in) {
                seen.add(in.metadata());
                return in.completion().endsWith("3") ? 1 : 0;
            }
        };
        new PairMaker(SAMPLER, recording, 4, 10).run(prompts, tmp.resolve("pairs.jsonl"));
        assertThat(seen).hasSize(4).allSatisfy(m -> assertThat(m).containsOnly(
                Map.entry("instruction_id_list", "[\"punctuation:no_comma\"]"), Map.entry("kwargs", "[{}]"), Map.entry("task", "add")));
    }

    @Test
    void aRewardSeesTheTraceClosedOrLeftOpen() {
        assertThat(new PairMaker.Sample("r", "7").completion()).isEqualTo("r\n</think>\n7");
        assertThat(new PairMaker.Sample("r never closed", "").completion()).isEqualTo("<think>\nr never closed");
        assertThat(new PairMaker.Sample(null, "7").completion()).isEqualTo("7");
    }

    @Test
    void badPromptsAndRewardChoicesAreOneClearError() throws Exception {
        Reward reward = EXACT.create(Map.of());
        Path noAnswer = Files.write(tmp.resolve("a.jsonl"), List.of("{\"prompt\": \"Hi\"}"));
        assertThatThrownBy(() -> new PairMaker(SAMPLER, reward, 2, 0).run(noAnswer, tmp.resolve("o.jsonl")))
                .isInstanceOf(NemotronException.class).hasMessage(noAnswer + ":1: missing the reference answer: 'answer' (or 'reference'), "
                        + "a string or a number");
        Path onlyAssistant = Files.write(tmp.resolve("b.jsonl"), List.of("{\"messages\": [{\"role\": \"system\", \"content\": \"x\"}], \"answer\": 1}"));
        assertThatThrownBy(() -> new PairMaker(SAMPLER, reward, 2, 0).run(onlyAssistant, tmp.resolve("o.jsonl")))
                .hasMessageContaining(":1: the prompt needs a user turn");
        assertThatThrownBy(() -> new PairMaker(SAMPLER, reward, 1, 0)).hasMessageContaining("at least 2");
        assertThatThrownBy(() -> RewardChoice.parse("exact:x").create(List.of(EXACT))).hasMessageContaining("'x' is not key=value");
        assertThatThrownBy(() -> RewardChoice.parse("judge").create(List.of(EXACT)))
                .hasMessageContaining("no reward named 'judge' (found: exact");
        assertThat(RewardChoice.parse("math:tolerance=1e-4, percent_as_fraction=true").options())
                .containsExactly(Map.entry("tolerance", "1e-4"), Map.entry("percent_as_fraction", "true"));
    }

}
