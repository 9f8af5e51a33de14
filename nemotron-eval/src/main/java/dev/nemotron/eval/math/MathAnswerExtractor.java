package dev.nemotron.eval.math;

import dev.nemotron.eval.math.ExtractedAnswer.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the final answer in a model's completion.
 *
 * <ol>
 *   <li>Keep only the final part, after the reasoning ({@link Reasoning#finalPart}); a completion
 *       whose reasoning never closed has no answer.</li>
 *   <li>{@link Source#BOXED}: the content of the last {@code \boxed{...}} / {@code \fbox{...}}
 *       (nested braces allowed).</li>
 *   <li>{@link Source#GSM8K_MARKER}: the rest of the line after the last {@code ####}.</li>
 *   <li>{@link Source#ANSWER_PHRASE}: after the last "the answer is", "final answer:",
 *       "answer:" (any case, "is", ":" or "=" required), up to the end of its line: the first
 *       {@code $...$} (or {@code \(...\)}) there if any, else the text up to the end of the
 *       sentence, without Markdown {@code *}; a number followed by plain words keeps the number
 *       ("5 apples" → "5").</li>
 *   <li>{@link Source#LAST_NUMBER}: the last number (integer, decimal, {@code a/b}, with
 *       thousands separators) that is not part of a word ({@code AZYUK2A} has none).</li>
 * </ol>
 * Each source gives at most one candidate; the list is in the order above, so the first
 * candidate is the most reliable one, and the one {@link MathVerifier#verifyCompletion} uses.
 */
public final class MathAnswerExtractor {
    private static final Pattern MARKER = Pattern.compile("####\\s*([^\\n]*)");
    private static final Pattern PHRASE = Pattern.compile(
            "(?i)\\b(?:the\\s+)?(?:final\\s+)?answer\\s*(?:\\*\\*)?\\s*(?:is\\s*[:=]?|[:=])(?=([^\\n]*))");
    private static final Pattern MATH_SPAN = Pattern.compile("\\$\\$(.+?)\\$\\$|\\$(.+?)\\$|\\\\\\((.+?)\\\\\\)|\\\\\\[(.+?)\\\\\\]");
    private static final Pattern NUMBER_THEN_WORDS = Pattern.compile("([-+]?\\d[\\d,]*(?:\\.\\d+)?(?:/\\d+)?)\\s+[A-Za-z][A-Za-z\\s]*");
    private static final Pattern SENTENCE_END = Pattern.compile("\\.\\s");
    private static final Pattern NUMBER = Pattern.compile(
            "(?<![\\w.])(?:(?<![\\w)])-)?(?:\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?(?:/\\d+)?(?![\\w])");

    private MathAnswerExtractor() {
    }

    /** The answer candidates in {@code completion}, most reliable first; empty when there is none. */
    public static List<ExtractedAnswer> extract(String completion) {
        String text = Reasoning.finalPart(completion);
        List<ExtractedAnswer> out = new ArrayList<>();
        if (text.isBlank()) {
            return out;
        }
        Boxed.last(text).filter(s -> !s.isBlank()).ifPresent(s -> out.add(new ExtractedAnswer(s.strip(), Source.BOXED)));
        lastGroup(MARKER, text).map(MathAnswerExtractor::trimSentence)
                .ifPresent(s -> out.add(new ExtractedAnswer(s, Source.GSM8K_MARKER)));
        phrase(text).ifPresent(s -> out.add(new ExtractedAnswer(s, Source.ANSWER_PHRASE)));
        lastNumber(text).ifPresent(s -> out.add(new ExtractedAnswer(s, Source.LAST_NUMBER)));
        return out;
    }

    /**
     * The answer part of a reference or a prediction that is already an answer: the last box if
     * there is one, else what follows the last {@code ####}, else the whole text.
     */
    public static String answerPart(String text) {
        if (text == null) {
            return "";
        }
        Optional<String> boxed = Boxed.last(text);
        if (boxed.isPresent()) {
            return boxed.get();
        }
        return lastGroup(MARKER, text).map(MathAnswerExtractor::trimSentence).orElse(text);
    }

    private static Optional<String> lastGroup(Pattern p, String text) {
        Matcher m = p.matcher(text);
        String last = null;
        while (m.find()) {
            if (!m.group(1).isBlank()) {
                last = m.group(1);
            }
        }
        return Optional.ofNullable(last);
    }

    private static Optional<String> phrase(String text) {
        Matcher m = PHRASE.matcher(text);
        String last = null;
        while (m.find()) {
            String candidate = phraseAnswer(m.group(1));
            if (!candidate.isEmpty()) {
                last = candidate;
            }
        }
        return Optional.ofNullable(last);
    }

    private static String phraseAnswer(String rest) {
        Matcher span = MATH_SPAN.matcher(rest);
        if (span.find()) {
            for (int g = 1; g <= 4; g++) {
                if (span.group(g) != null) {
                    return span.group(g).strip();
                }
            }
        }
        String s = trimSentence(rest.replace("*", ""));
        Matcher nw = NUMBER_THEN_WORDS.matcher(s);
        return nw.matches() ? nw.group(1) : s;
    }

    /** Up to the end of the first sentence ({@code ". "}), without a final period and spaces. */
    private static String trimSentence(String s) {
        String t = s.strip();
        Matcher end = SENTENCE_END.matcher(t);
        if (end.find()) {
            t = t.substring(0, end.start());
        }
        t = t.strip();
        while (t.endsWith(".")) {
            t = t.substring(0, t.length() - 1).strip();
        }
        return t;
    }

    private static Optional<String> lastNumber(String text) {
        Matcher m = NUMBER.matcher(text);
        String last = null;
        while (m.find()) {
            last = m.group();
        }
        return Optional.ofNullable(last);
    }
}
