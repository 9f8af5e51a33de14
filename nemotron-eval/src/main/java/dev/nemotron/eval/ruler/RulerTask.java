package dev.nemotron.eval.ruler;

import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.ruler.NiahSpec.HaystackType;
import dev.nemotron.eval.ruler.NiahSpec.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The RULER synthetic tasks this package generates, with RULER's names and settings
 * ({@code scripts/synthetic.yaml} and {@code constants.py} of NVIDIA/RULER). The two QA tasks
 * ({@code qa_1} SQuAD, {@code qa_2} HotpotQA) need data sets that are not bundled and are left
 * out; {@link RulerMetric#forTask} still knows their metric.
 */
public enum RulerTask {
    /** One needle (word key, 7-digit number) in the repeated noise sentences: passkey retrieval. */
    NIAH_SINGLE_1("niah_single_1", Family.NIAH, new NiahSpec(HaystackType.NOISE, ValueType.WORDS, ValueType.NUMBERS, 1, 1, 1)),
    /** One needle (word key, number) in essay text: the classic needle in a haystack. */
    NIAH_SINGLE_2("niah_single_2", Family.NIAH, new NiahSpec(HaystackType.ESSAY, ValueType.WORDS, ValueType.NUMBERS, 1, 1, 1)),
    /** One needle (word key, UUID value) in essay text. */
    NIAH_SINGLE_3("niah_single_3", Family.NIAH, new NiahSpec(HaystackType.ESSAY, ValueType.WORDS, ValueType.UUIDS, 1, 1, 1)),
    /** Four needles with different keys in essay text; one key is asked. */
    NIAH_MULTIKEY_1("niah_multikey_1", Family.NIAH, new NiahSpec(HaystackType.ESSAY, ValueType.WORDS, ValueType.NUMBERS, 4, 1, 1)),
    /** One needle among distractor needles (word keys, numbers) filling the whole context. */
    NIAH_MULTIKEY_2("niah_multikey_2", Family.NIAH, new NiahSpec(HaystackType.NEEDLE, ValueType.WORDS, ValueType.NUMBERS, 1, 1, 1)),
    /** One needle among distractor needles with UUID keys and UUID values. */
    NIAH_MULTIKEY_3("niah_multikey_3", Family.NIAH, new NiahSpec(HaystackType.NEEDLE, ValueType.UUIDS, ValueType.UUIDS, 1, 1, 1)),
    /** Four needles with the same key and different values; all four are asked for. */
    NIAH_MULTIVALUE("niah_multivalue", Family.NIAH, new NiahSpec(HaystackType.ESSAY, ValueType.WORDS, ValueType.NUMBERS, 1, 4, 1)),
    /** Four needles with different keys; all four keys are asked in one question. */
    NIAH_MULTIQUERY("niah_multiquery", Family.NIAH, new NiahSpec(HaystackType.ESSAY, ValueType.WORDS, ValueType.NUMBERS, 4, 1, 4)),
    /** Variable tracking: one chain of 4 hops ({@code VAR B = VAR A}) in noise; name every variable of the chain. */
    VT("vt", Family.VT, null),
    /** Common words extraction: the 10 words repeated most often in a numbered word list. */
    CWE("cwe", Family.CWE, null),
    /** Frequent words extraction: the 3 most frequent coded words of a Zipf-distributed text. */
    FWE("fwe", Family.FWE, null);

    /** The generator family a task belongs to (RULER's {@code task} field). */
    enum Family {
        NIAH(128),
        VT(30),
        CWE(120),
        FWE(50);

        private final int tokensToGenerate;

        Family(int tokensToGenerate) {
            this.tokensToGenerate = tokensToGenerate;
        }
    }

    private final String id;
    private final Family family;
    private final NiahSpec niah;

    RulerTask(String id, Family family, NiahSpec niah) {
        this.id = id;
        this.family = family;
        this.niah = niah;
    }

    /** RULER's name, e.g. {@code niah_single_1}. */
    public String id() {
        return id;
    }

    /** RULER's metric for the task ({@code string_match_all} for all of these). */
    public RulerMetric metric() {
        return RulerMetric.forTask(id);
    }

    /** RULER's {@code tokens_to_generate}: the answer budget (128 niah, 30 vt, 120 cwe, 50 fwe). */
    public int tokensToGenerate() {
        return family.tokensToGenerate;
    }

    Family family() {
        return family;
    }

    /** The needle settings; only for the niah family. */
    NiahSpec niah() {
        return niah;
    }

    /**
     * The task named {@code id} (RULER's spelling).
     *
     * @throws NemotronException for an unknown name or {@code qa_1}/{@code qa_2}
     */
    public static RulerTask parse(String id) {
        String s = id.strip();
        for (RulerTask t : values()) {
            if (t.id.equals(s)) {
                return t;
            }
        }
        if (s.equals("qa_1") || s.equals("qa_2")) {
            throw new NemotronException("RULER task '" + s + "' needs SQuAD/HotpotQA, which are not bundled;"
                    + " it is not generated (see docs/eval-ruler.md)");
        }
        throw new NemotronException("unknown RULER task '" + s + "' (known: " + ids() + ")");
    }

    /**
     * A comma-separated list of task names, or {@code all}; duplicates are dropped, order kept.
     *
     * @throws NemotronException for an empty list or an unknown name
     */
    public static List<RulerTask> parseList(String list) {
        if (list == null || list.isBlank()) {
            throw new NemotronException("no RULER task given (known: " + ids() + ", or all)");
        }
        if (list.strip().equals("all")) {
            return List.of(values());
        }
        Set<RulerTask> out = new LinkedHashSet<>();
        for (String part : list.split(",")) {
            if (part.isBlank()) {
                throw new NemotronException("empty task name in '" + list + "'");
            }
            out.add(parse(part));
        }
        return new ArrayList<>(out);
    }

    private static String ids() {
        return Arrays.stream(values()).map(RulerTask::id).collect(Collectors.joining(", "));
    }
}
