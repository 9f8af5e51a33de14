package dev.nemotron.eval.ruler;

/**
 * RULER's task prompts and answer prefixes ({@code scripts/data/synthetic/constants.py} of
 * NVIDIA/RULER), split around the context so that the context can be measured and placed.
 * The answer prefix goes after the question (in a chat, at the start of the assistant's turn).
 */
final class RulerTemplates {
    /** The needle sentence: {@code One of the special magic numbers for KEY is: VALUE.} */
    static String needle(String valuePlural, String key, String value) {
        return "One of the special magic " + valuePlural + " for " + key + " is: " + value + ".";
    }

    /** The text before the niah context. */
    static String niahHead(String noun, boolean singular) {
        return singular
                ? "A special magic " + noun + " is hidden within the following text. Make sure to memorize it."
                        + " I will quiz you about the " + noun + " afterwards.\n"
                : "Some special magic " + noun + " are hidden within the following text. Make sure to memorize it."
                        + " I will quiz you about the " + noun + " afterwards.\n";
    }

    /** The niah question after the context. */
    static String niahTail(String noun, String query, boolean singular) {
        return singular
                ? "\nWhat is the special magic " + noun + " for " + query + " mentioned in the provided text?"
                : "\nWhat are all the special magic " + noun + " for " + query + " mentioned in the provided text?";
    }

    /** The niah answer prefix. */
    static String niahAnswerPrefix(String noun, String query, boolean singular) {
        return " The special magic " + noun + " for " + query + " mentioned in the provided text " + (singular ? "is" : "are");
    }

    static final String VT_HEAD = "Memorize and track the chain(s) of variable assignment hidden in the following text.\n\n";

    static String vtTail(String value) {
        return "\nQuestion: Find all variables that are assigned the value " + value + " in the text above.";
    }

    /** RULER's vt answer prefix (with RULER's 2025 spelling fix, "assigned"). */
    static String vtAnswerPrefix(int variables, String value) {
        return " Answer: According to the chain(s) of variable assignment in the text above, " + variables
                + " variables are assigned the value " + value + ", they are: ";
    }

    static final String CWE_HEAD = "Below is a numbered list of words. In these words, some appear more often than others."
            + " Memorize the ones that appear most often.\n";
    static final String CWE_TAIL = "\nQuestion: What are the 10 most common words in the above list?";
    static final String CWE_ANSWER_PREFIX = " Answer: The top 10 words that appear most often in the list are:";

    static final String FWE_HEAD = "Read the following coded text and track the frequency of each coded word."
            + " Find the three most frequently appeared coded words. ";
    static final String FWE_TAIL = "\nQuestion: Do not provide any explanation. Please ignore the dots '....'."
            + " What are the three most frequently appeared words in the above coded text?";
    static final String FWE_ANSWER_PREFIX = " Answer: According to the coded text above, the three most frequently appeared words are:";

    private RulerTemplates() {
    }
}
