package dev.nemotron.align.pairs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.align.grpo.GrpoPrompt;
import dev.nemotron.align.sft.SftConversation;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.io.AtomicFiles;
import dev.nemotron.api.io.Utf8Lines;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardInput;
import dev.nemotron.text.chat.ChatMessage;
import dev.nemotron.text.chat.ChatRole;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * On-policy preference pairs (the paper's DPO recipe, with a verifiable reward in place of its
 * tool environment): K answers per prompt sampled from the model, scored by a {@link Reward},
 * the best against the worst.
 *
 * <pre>
 * for each prompt line i (JSONL: "prompt" text or "messages" — trailing assistant turns dropped —
 *                          and the reference answer "answer" or "reference"):
 * 1. K samples from the sampler, seeds seed + i K + j
 * 2. score s_j = reward(prompt text, completion_j, reference)
 * 3. best = the first argmax, worst = the first argmin; max = min: a tie, no pair
 * 4. write {"messages": prompt, "chosen": best, "rejected": worst, "chosen_score", "rejected_score", "reference"}
 * </pre>
 * A bad prompt line stops with one error naming file and line.
 */
public final class PairMaker {
    /** One sampled answer: the reasoning (null when there was none) and the answer. */
    public record Sample(String reasoning, String content) {
        /** The completion as a reward reads it: {@code reasoning </think> answer}, or an open trace when it never closed. */
        public String completion() {
            if (reasoning == null) {
                return content;
            }
            return content.isEmpty() ? "<think>\n" + reasoning : reasoning + "\n</think>\n" + content;
        }

        /** As an assistant message of the pairs file. */
        ObjectNode message() {
            ObjectNode m = JsonMappers.json().createObjectNode().put("role", "assistant").put("content", content);
            if (reasoning != null) {
                m.put("reasoning_content", reasoning);
            }
            return m;
        }
    }

    /** Draws answers to a prompt. */
    @FunctionalInterface
    public interface Sampler {
        /** {@code k} answers to {@code messages}, answer j drawn with seed {@code seed + j}. */
        List<Sample> sample(List<ChatMessage> messages, int k, long seed);
    }

    /**
     * What a run gave.
     *
     * @param prompts prompts read
     * @param pairs   pairs written
     * @param ties    prompts whose K answers all scored the same (no pair)
     * @param samples answers drawn
     * @param meanScore the mean score over all answers
     */
    public record Counts(long prompts, long pairs, long ties, long samples, double meanScore) {
    }

    private final Sampler sampler;
    private final Reward reward;
    private final int k;
    private final long seed;

    public PairMaker(Sampler sampler, Reward reward, int k, long seed) {
        if (k < 2) {
            throw new NemotronException("--samples must be at least 2 (a pair needs two answers), got " + k);
        }
        this.sampler = sampler;
        this.reward = reward;
        this.k = k;
        this.seed = seed;
    }

    /** Reads {@code prompts}, writes the pairs to {@code out} (atomically) and returns the counts. */
    public Counts run(Path prompts, Path out) {
        StringBuilder text = new StringBuilder();
        long n = 0;
        long pairs = 0;
        long ties = 0;
        double scoreSum = 0;
        try (Utf8Lines in = Utf8Lines.open(prompts)) {
            for (String line; (line = in.next()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                long i = n++;
                Prompt p = Prompt.parse(line, in.where());
                // 1. K samples
                List<Sample> samples = sampler.sample(p.messages(), k, seed + i * k);
                // 2. scores
                double[] s = new double[samples.size()];
                int best = 0;
                int worst = 0;
                for (int j = 0; j < s.length; j++) {
                    s[j] = reward.score(new RewardInput(p.text(), samples.get(j).completion(), p.reference(), p.metadata()));
                    scoreSum += s[j];
                    best = s[j] > s[best] ? j : best;
                    worst = s[j] < s[worst] ? j : worst;
                }
                // 3. best vs worst, ties dropped
                if (s[best] == s[worst]) {
                    ties++;
                    continue;
                }
                // 4. the pair
                ObjectNode o = JsonMappers.json().createObjectNode();
                o.set("messages", p.json());
                o.set("chosen", samples.get(best).message());
                o.set("rejected", samples.get(worst).message());
                o.put("chosen_score", s[best]);
                o.put("rejected_score", s[worst]);
                o.put("reference", p.reference());
                text.append(o).append('\n');
                pairs++;
            }
        }
        try {
            AtomicFiles.writeString(out, text.toString());
        } catch (IOException e) {
            throw new NemotronException(out + ": cannot write: " + e.getMessage(), e);
        }
        return new Counts(n, pairs, ties, n * k, n == 0 ? Double.NaN : scoreSum / (n * k));
    }

    /**
     * A prompt line: the turns to answer (as JSON and parsed), their text for the reward, the reference answer, and
     * the row's other fields for the reward ({@link GrpoPrompt#metadata}).
     */
    record Prompt(ArrayNode json, List<ChatMessage> messages, String text, String reference, Map<String, String> metadata) {
        static Prompt parse(String line, String where) {
            JsonNode root = SftConversation.jsonObject(line, where, "'prompt' (or 'messages') and 'answer'");
            ArrayNode json = JsonMappers.json().createArrayNode();
            JsonNode prompt = root.get("prompt");
            if (prompt != null && prompt.isTextual() && !prompt.asText().isBlank()) {
                json.addObject().put("role", "user").put("content", prompt.asText());
            } else if (root.path("messages").isArray()) {
                JsonNode m = root.get("messages");
                int end = m.size();
                while (end > 0 && m.get(end - 1).path("role").asText().equals("assistant")) {
                    end--;
                }
                for (int j = 0; j < end; j++) {
                    json.add(m.get(j));
                }
            } else {
                throw new NemotronException(where + ": give the prompt as 'prompt' (a non-empty string) or 'messages' (a chat)");
            }
            List<ChatMessage> messages = SftConversation.messages(json, where);
            if (messages.getLast().role() == ChatRole.ASSISTANT || messages.stream().noneMatch(x -> x.role() == ChatRole.USER)) {
                throw new NemotronException(where + ": the prompt needs a user turn to answer");
            }
            JsonNode ref = root.has("answer") ? root.get("answer") : root.get("reference");
            if (ref == null || !(ref.isTextual() || ref.isNumber())) {
                throw new NemotronException(where + ": missing the reference answer: 'answer' (or 'reference'), a string or a number");
            }
            StringBuilder text = new StringBuilder();
            for (ChatMessage m : messages) {
                text.append(text.isEmpty() ? "" : "\n").append(m.contentOrEmpty());
            }
            return new Prompt(json, messages, text.toString(), ref.asText(), GrpoPrompt.metadata(root));
        }
    }
}
