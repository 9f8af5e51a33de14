package dev.nemotron.infer.server;

import dev.nemotron.infer.engine.LanguageModel;
import dev.nemotron.infer.engine.ModelSequence;
import dev.nemotron.text.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * A deterministic "reasoning model" over the tokenizer-bpe fixture: the chosen token gets logit
 * 30 (near-certain even at temperature 1), every other 0. When the prompt leaves {@code <think>} open it writes {@link #LINE}
 * {@code reasoningLines} times, then {@code </think>}; then {@link #ANSWER} (or another answer text), then
 * {@code </s>} (or, when {@code endless}, {@code " la"} for ever). Each decode step sleeps {@code delayMillis}.
 */
final class ScriptedChatModel implements LanguageModel {
    static final String LINE = "Let me think.\n";
    static final String ANSWER = "The answer is 42.";
    static final int THINK = 3;
    static final int END_THINK = 4;
    static final int EOS = 2;

    private final Tokenizer tokenizer;
    private final int[] line;
    private final int[] answer;
    private final int[] la;
    private final int reasoningLines;
    private final boolean endless;
    private final long delayMillis;

    ScriptedChatModel(Tokenizer tokenizer, int reasoningLines, boolean endless, long delayMillis) {
        this(tokenizer, reasoningLines, endless, delayMillis, ANSWER);
    }

    /** With {@code answerText} in place of {@link #ANSWER}. */
    ScriptedChatModel(Tokenizer tokenizer, int reasoningLines, boolean endless, long delayMillis, String answerText) {
        this.tokenizer = tokenizer;
        this.line = tokenizer.encode(LINE);
        this.answer = tokenizer.encode(answerText);
        this.la = tokenizer.encode(" la");
        this.reasoningLines = reasoningLines;
        this.endless = endless;
        this.delayMillis = delayMillis;
    }

    private static final class Seq implements ModelSequence {
        final List<Integer> ids = new ArrayList<>();
        int promptLength = -1;
        boolean thinking;

        @Override
        public int length() {
            return ids.size();
        }

        @Override
        public long bytes() {
            return ids.size();
        }
    }

    @Override
    public int vocabSize() {
        return tokenizer.vocabSize();
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
        int open = s.ids.lastIndexOf(THINK);
        s.thinking = open >= 0 && s.ids.subList(open, s.ids.size()).indexOf(END_THINK) < 0;
        float[] logits = new float[vocabSize()];
        logits[next(s)] = 30f;
        return logits;
    }

    @Override
    public float[] decode(List<ModelSequence> sequences, int[] tokens) {
        if (delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int vocab = vocabSize();
        float[] logits = new float[sequences.size() * vocab];
        for (int b = 0; b < tokens.length; b++) {
            Seq s = (Seq) sequences.get(b);
            s.ids.add(tokens[b]);
            logits[b * vocab + next(s)] = 30f;
        }
        return logits;
    }

    /** The scripted token after the sequence so far. */
    private int next(Seq s) {
        List<Integer> generated = s.ids.subList(s.promptLength, s.ids.size());
        int answerFrom = 0;
        if (s.thinking) {
            int close = generated.indexOf(END_THINK);
            if (close < 0) {
                int k = generated.size();
                return k < reasoningLines * line.length ? line[k % line.length] : END_THINK;
            }
            answerFrom = close + 1;
        }
        int k = generated.size() - answerFrom;
        if (k < answer.length) {
            return answer[k];
        }
        return endless ? la[(k - answer.length) % la.length] : EOS;
    }

    @Override
    public long sequenceBytes(long tokens) {
        return tokens * 100;
    }
}
