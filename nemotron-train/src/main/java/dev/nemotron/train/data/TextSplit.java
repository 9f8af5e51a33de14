package dev.nemotron.train.data;

import java.util.Objects;

/**
 * How a plain-text file is cut into documents.
 *
 * <ul>
 *   <li>{@link #blankLines()}: a run of one or more blank (whitespace-only) lines ends a document;</li>
 *   <li>{@link #separatorLine(String)}: a line equal to the separator (after stripping trailing
 *       whitespace) ends a document, e.g. {@code <|endoftext|>} or {@code ---};</li>
 *   <li>{@link #wholeFile()}: the whole file is one document.</li>
 * </ul>
 *
 * Lines of a document are joined with {@code \n}; a document's text has no trailing newline.
 * Documents whose text is blank are skipped.
 */
public record TextSplit(Mode mode, String separator) {
    public enum Mode { BLANK_LINES, SEPARATOR_LINE, WHOLE_FILE }

    public TextSplit {
        Objects.requireNonNull(mode, "mode");
        if (mode == Mode.SEPARATOR_LINE && (separator == null || separator.isBlank())) {
            throw new IllegalArgumentException("a separator line must not be blank");
        }
    }

    public static TextSplit blankLines() {
        return new TextSplit(Mode.BLANK_LINES, null);
    }

    public static TextSplit separatorLine(String separator) {
        return new TextSplit(Mode.SEPARATOR_LINE, separator.strip());
    }

    public static TextSplit wholeFile() {
        return new TextSplit(Mode.WHOLE_FILE, null);
    }
}
