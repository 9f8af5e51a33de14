package dev.nemotron.eval.ruler;

/**
 * One sample of a task with everything random already drawn, as a function of its haystack
 * size: {@link LengthFitter} picks the size whose prompt has the target length.
 */
interface SampleDesign {
    /** The estimated tokens each haystack size adds. */
    SizeModel sizes();

    /** The sample at haystack size {@code size}. */
    Draft draft(int size);

    /**
     * Checks that the size chosen makes a valid sample.
     *
     * @throws dev.nemotron.api.NemotronException when it does not (e.g. too short to have a clear answer)
     */
    default void check(int size) {
    }

    /** What the size counts, for messages: {@code words}. */
    String sizeName();
}
