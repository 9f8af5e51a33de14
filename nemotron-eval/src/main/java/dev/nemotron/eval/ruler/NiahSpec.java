package dev.nemotron.eval.ruler;

/**
 * The knobs of one needle-in-a-haystack task, as RULER's {@code synthetic.yaml} sets them.
 *
 * @param haystack what fills the context
 * @param keyType  what the keys are
 * @param valueType what the values are
 * @param keys     needles' distinct keys ({@code num_needle_k})
 * @param values   values per key ({@code num_needle_v}), one needle each
 * @param queries  keys asked about ({@code num_needle_q}); RULER raises {@code keys} to at least this
 */
record NiahSpec(HaystackType haystack, ValueType keyType, ValueType valueType, int keys, int values, int queries) {
    /** RULER's {@code type_haystack}. */
    enum HaystackType {
        /** The repeated sentences "The grass is green. …" (RULER's {@code noise}). */
        NOISE("noise"),
        /** Essay text (RULER: Paul Graham essays; here Moby-Dick or a given text). */
        ESSAY("essay"),
        /** Other needles with other keys (RULER's {@code needle}). */
        NEEDLE("needle");

        private final String id;

        HaystackType(String id) {
            this.id = id;
        }

        String id() {
            return id;
        }
    }

    /** RULER's {@code type_needle_k} / {@code type_needle_v}: the plural noun is used in the prompt. */
    enum ValueType {
        /** Adjective-noun pairs such as {@code quiet-harbor}. */
        WORDS("words"),
        /** Seven-digit numbers. */
        NUMBERS("numbers"),
        /** Random version-4 UUIDs. */
        UUIDS("uuids");

        private final String plural;

        ValueType(String plural) {
            this.plural = plural;
        }

        /** The plural noun, as RULER writes it in needles and questions: {@code numbers}. */
        String plural() {
            return plural;
        }

        /** The singular noun: {@code number}. */
        String singular() {
            return plural.substring(0, plural.length() - 1);
        }
    }

    NiahSpec {
        keys = Math.max(keys, queries);
    }

    /** The needles placed: one per key and value. */
    int needles() {
        return keys * values;
    }

    /** Whether the question asks for a single value (RULER then words it in the singular). */
    boolean singular() {
        return queries * values == 1;
    }
}
