package dev.nemotron.eval.ruler;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The words of the common-words task. RULER draws them from the {@code wonderwords} noun,
 * adjective and verb lists; here they are the all-lower-case words of 4 to 12 letters that
 * occur at least twice in the bundled <i>Moby-Dick</i> (about 8,300), sorted, so that the list is
 * fixed and needs no download. Words written only capitalised (names), one-off words and parts of
 * hyphenated or apostrophed words are left out.
 */
final class CommonWordsVocabulary {
    private static final Pattern WORD = Pattern.compile("(?<![\\p{L}'\u2019-])[a-z]{4,12}(?![\\p{L}'\u2019-])");
    private static final int MIN_OCCURRENCES = 2;

    private CommonWordsVocabulary() {
    }

    /** The sorted word list. */
    static List<String> words() {
        return Holder.WORDS;
    }

    static List<String> extract(String text) {
        Map<String, Integer> counts = new TreeMap<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            counts.merge(m.group(), 1, Integer::sum);
        }
        return counts.entrySet().stream().filter(e -> e.getValue() >= MIN_OCCURRENCES).map(Map.Entry::getKey).toList();
    }

    private static final class Holder {
        static final List<String> WORDS = extract(HaystackText.mobyDickText());
    }
}
