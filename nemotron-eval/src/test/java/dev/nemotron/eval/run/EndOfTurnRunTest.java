package dev.nemotron.eval.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.eval.model.EngineEvalModel;
import dev.nemotron.eval.task.BuiltinTasks;
import dev.nemotron.eval.task.TaskSpec;
import dev.nemotron.text.chat.NemotronChatTemplate;
import dev.nemotron.infer.engine.EngineConfig;
import dev.nemotron.infer.engine.GenerationEngine;
import dev.nemotron.infer.engine.LanguageModel;
import dev.nemotron.infer.engine.ModelSequence;
import dev.nemotron.infer.engine.TextCodec;
import dev.nemotron.infer.server.ServedModel;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart model's replies with its 2k BPE, which has no {@code <SPECIAL_12>} token: the end
 * of turn comes out as text, {@code "\n51\n<SPECIAL_12>\n"}. Before the engine stopped chat
 * generations there, the last integer of every reply was the "12" of the marker (budget-sweep run
 * of 2026-11-29) and the arithmetic task carried the marker as a stop string of its own. Now the
 * task has none: the in-process engine model stops at the marker for every chat task.
 */
class EndOfTurnRunTest {
    static final Tokenizer TOKENIZER = Tokenizer.load(
            Path.of("..").toAbsolutePath().normalize().resolve("examples/tokenizers/nemotron-bpe-2k/tokenizer.json"));
    static final int EOS = 2;
    private static final Pattern QUESTION = Pattern.compile("What is (\\d+) ([+-]) (\\d+)\\?");

    @TempDir
    Path dir;

    @Test
    void arithmeticScoresTheAnswerNotTheMarkerWrittenAsText() {
        TaskSpec task = BuiltinTasks.load("arithmetic");
        assertThat(task.generation().stop()).doesNotContain("<SPECIAL_12>");
        GenerationEngine engine = new GenerationEngine(new QuickstartLike(),
                new TextCodec(TOKENIZER, Set.of(EOS)), new EngineConfig(4, 32, 1L << 30));
        try (EngineEvalModel model = new EngineEvalModel(
                new ServedModel("quickstart-like", engine, new NemotronChatTemplate(), 4096), true)) {
            TaskResult r = new EvalRunner(model, dir, RunOptions.defaults().withLimit(20), EvalPlugins.discover(),
                    RunListener.NONE).run(task);
            assertThat(r.primary().value()).isEqualTo(1.0);
        }
    }

    /**
     * Answers the last {@code What is A ± B?} of the prompt right, in the trained format, writes the
     * end of turn as text and then {@code " 12"} for ever: only a stop at the marker ends it.
     */
    static final class QuickstartLike implements LanguageModel {
        private static final class Seq implements ModelSequence {
            final List<Integer> ids = new ArrayList<>();
            int[] script;
            int promptLength;

            @Override
            public int length() {
                return ids.size();
            }

            @Override
            public long bytes() {
                return ids.size();
            }
        }

        private final int[] babble = TOKENIZER.encode(" 12");

        @Override
        public int vocabSize() {
            return TOKENIZER.vocabSize();
        }

        @Override
        public ModelSequence newSequence() {
            return new Seq();
        }

        @Override
        public float[] prefill(ModelSequence sequence, int[] ids) {
            Seq s = (Seq) sequence;
            for (int id : ids) {
                s.ids.add(id);
            }
            s.promptLength = s.ids.size();
            Matcher m = QUESTION.matcher(TOKENIZER.decode(ids, false));
            long answer = Long.MIN_VALUE;
            while (m.find()) {
                long a = Long.parseLong(m.group(1));
                long b = Long.parseLong(m.group(3));
                answer = m.group(2).equals("+") ? a + b : a - b;
            }
            if (answer == Long.MIN_VALUE) {
                throw new IllegalStateException("no question in the prompt");
            }
            s.script = TOKENIZER.encode("Work it out.\n</think>\n" + answer + "\n<SPECIAL_12>\n");
            return logits(s);
        }

        @Override
        public float[] decode(List<ModelSequence> sequences, int[] tokens) {
            int vocab = vocabSize();
            float[] out = new float[sequences.size() * vocab];
            for (int b = 0; b < tokens.length; b++) {
                Seq s = (Seq) sequences.get(b);
                s.ids.add(tokens[b]);
                System.arraycopy(logits(s), 0, out, b * vocab, vocab);
            }
            return out;
        }

        private float[] logits(Seq s) {
            int k = s.ids.size() - s.promptLength;
            float[] l = new float[vocabSize()];
            l[k < s.script.length ? s.script[k] : babble[(k - s.script.length) % babble.length]] = 30f;
            return l;
        }

        @Override
        public long sequenceBytes(long tokens) {
            return tokens * 100;
        }
    }
}
