package dev.nemotron.eval.code.task;

import dev.nemotron.api.NemotronException;
import dev.nemotron.eval.config.Fields;
import dev.nemotron.eval.filter.AnswerFilter;
import dev.nemotron.eval.filter.AnswerFilterProvider;

/**
 * The filter type {@code code_block} ({@link CodeBlockFilter}): the code of a chat model's fenced
 * Markdown answer, for the code tasks.
 *
 * <pre>
 * filters:
 *   - {type: code_block, language: python}   # language optional: else the first block
 * </pre>
 */
public final class CodeBlockFilterProvider implements AnswerFilterProvider {
    /** The provider ({@code ServiceLoader} needs a public constructor). */
    public CodeBlockFilterProvider() {
    }

    @Override
    public String type() {
        return "code_block";
    }

    @Override
    public AnswerFilter create(Fields options) {
        options.allowOnly("type", "language");
        String language = options.string("language", null);
        if (language != null && !language.strip().matches("[A-Za-z0-9_+#.-]+")) {
            throw new NemotronException(options.at("language") + " must be one word such as python or java, got '"
                    + language + "'");
        }
        return new CodeBlockFilter(language);
    }
}
