package dev.nemotron.eval.code.task;

import dev.nemotron.eval.filter.AnswerFilter;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The code of a chat model's Markdown answer: the content of the first fenced block (a line of
 * three or more backticks or tildes, optionally indented, with an optional language word, up to a
 * line of at least as many of the same character) whose language is {@code language}; else the
 * first fenced block of any language; else the text unchanged. A block left open (the answer was
 * cut at its token limit) runs to the end of the text. Line ends are normalised to {@code \n} and
 * the content ends with one.
 */
public final class CodeBlockFilter implements AnswerFilter {
    private static final Pattern OPEN = Pattern.compile("[ \\t]*(`{3,}|~{3,})[ \\t]*([^\\s`]*)[^`]*");
    private static final Pattern LINE_END = Pattern.compile("\r\n|\r|\n");

    private final Set<String> names;

    /**
     * @param language the wanted block's language (case ignored; {@code python} also accepts
     *                 {@code py}, {@code python3}), or null for the first block
     */
    public CodeBlockFilter(String language) {
        this.names = language == null ? Set.of() : aliases(language.strip().toLowerCase(Locale.ROOT));
    }

    private static Set<String> aliases(String language) {
        return switch (language) {
            case "python", "py", "python3" -> Set.of("python", "py", "python3");
            default -> Set.of(language);
        };
    }

    /** A fenced block: its language word (lower case, maybe empty) and content. */
    private record Block(String language, String content) {
    }

    @Override
    public String apply(String text) {
        List<String> lines = List.of(LINE_END.split(text, -1));
        Block first = null;
        int i = 0;
        while (i < lines.size()) {
            Matcher open = OPEN.matcher(lines.get(i));
            if (!open.matches()) {
                i++;
                continue;
            }
            String fence = open.group(1);
            StringBuilder content = new StringBuilder();
            int j = i + 1;
            while (j < lines.size() && !closes(lines.get(j), fence)) {
                content.append(lines.get(j)).append('\n');
                j++;
            }
            if (j == lines.size() && content.length() > 0 && lines.getLast().isEmpty()) {
                content.setLength(content.length() - 1);   // the text's final line end, not an empty line
            }
            Block b = new Block(open.group(2).toLowerCase(Locale.ROOT), content.toString());
            if (names.isEmpty() || names.contains(b.language())) {
                return b.content();
            }
            if (first == null) {
                first = b;
            }
            i = j + 1;
        }
        return first != null ? first.content() : text;
    }

    private static boolean closes(String line, String fence) {
        String t = line.strip();
        return t.length() >= fence.length() && t.chars().allMatch(c -> c == fence.charAt(0));
    }
}
