package dev.nemotron.eval.reward.ifeval;

import java.util.Set;
import java.util.function.Function;

/**
 * A verifiable instruction with its arguments bound, e.g. "answer in at least 300 words".
 * Pure and thread-safe.
 */
@FunctionalInterface
interface Instruction {
    /** Whether {@code response} (the answer, reasoning removed) follows the instruction. */
    boolean followedBy(String response);

    /**
     * One kind of instruction: its IFEval id, the kwargs it takes and how it is built from them.
     *
     * @param id          e.g. {@code "length_constraints:number_words"}
     * @param kwargs      the argument names
     * @param description one line for documentation
     * @param build       binds the arguments ({@link Kwargs} errors name the instruction and the argument)
     */
    record Kind(String id, Set<String> kwargs, String description, Function<Kwargs, Instruction> build) {
    }
}
