package dev.nemotron.eval.filter;

import dev.nemotron.eval.config.Fields;

/**
 * A filter type by name, e.g. {@code regex}; a plugin adds its own (a math answer extractor, for
 * instance) with {@code provides dev.nemotron.eval.filter.AnswerFilterProvider with ...}.
 */
public interface AnswerFilterProvider {
    /** The {@code type} a task file names. */
    String type();

    /**
     * A filter for one entry of a task's {@code filters} list.
     *
     * @param options the entry ({@code type} included); check fields with {@link Fields#allowOnly}
     * @throws dev.nemotron.api.NemotronException for bad options, naming the field
     */
    AnswerFilter create(Fields options);
}
