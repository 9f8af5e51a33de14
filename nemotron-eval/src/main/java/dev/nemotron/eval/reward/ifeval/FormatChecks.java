package dev.nemotron.eval.reward.ifeval;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.json.JsonMappers;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** IFEval's {@code detectable_format:*} and {@code detectable_content:*} instructions: the shape of the answer. */
final class FormatChecks {
    /** A bullet: a line starting with {@code * } (not {@code **}) or {@code -}. */
    private static final Pattern STAR_BULLET = Pattern.compile("^\\s*\\*[^*].*$", Pattern.MULTILINE);
    private static final Pattern DASH_BULLET = Pattern.compile("^\\s*-.*$", Pattern.MULTILINE);
    private static final Pattern HIGHLIGHT = Pattern.compile("\\*[^\\n*]*\\*");
    private static final Pattern BOLD = Pattern.compile("\\*\\*[^\\n*]*\\*\\*");
    private static final Pattern TITLE = Pattern.compile("<<[^\\n]+>>");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\[[^\\[\\]\\n]*]");
    private static final Pattern FENCE = Pattern.compile("(?s)^\\s*```[a-zA-Z]*\\s*\\n?(.*?)\\n?\\s*```\\s*$");
    private static final ObjectMapper JSON = JsonMappers.strict();
    private static final List<String> CONSTRAINED = List.of("My answer is yes.", "My answer is no.", "My answer is maybe.");

    private FormatChecks() {
    }

    static List<Instruction.Kind> kinds() {
        return List.of(
                new Instruction.Kind("detectable_format:json_format", Set.of(),
                        "the whole answer is JSON (a ```json fence around it is allowed)", k -> FormatChecks::isJson),
                new Instruction.Kind("detectable_format:number_bullet_lists", Set.of("num_bullets"),
                        "exactly num_bullets Markdown bullets (lines starting with '* ' or '-')", k -> {
                            int n = k.count("num_bullets", 0);
                            return s -> Text.count(STAR_BULLET, s) + Text.count(DASH_BULLET, s) == n;
                        }),
                new Instruction.Kind("detectable_format:number_highlighted_sections", Set.of("num_highlights"),
                        "at least num_highlights highlighted parts (*text* or **text**)", k -> {
                            int n = k.count("num_highlights", 0);
                            return s -> highlights(s) >= n;
                        }),
                new Instruction.Kind("detectable_format:multiple_sections", Set.of("section_spliter", "num_sections"),
                        "at least num_sections sections, each starting with section_spliter and its number (SECTION 1)", k -> {
                            Pattern p = Pattern.compile("\\s?" + Pattern.quote(k.text("section_spliter").strip()) + "\\s?\\d+\\s?");
                            int n = k.count("num_sections", 1);
                            return s -> p.split(s, -1).length - 1 >= n;
                        }),
                new Instruction.Kind("detectable_format:title", Set.of(),
                        "a title in double angular brackets, <<like this>>", k -> s -> TITLE.matcher(s).results()
                                .anyMatch(m -> !m.group().substring(2, m.group().length() - 2).isBlank())),
                new Instruction.Kind("detectable_format:constrained_response", Set.of(),
                        "contains 'My answer is yes.', 'My answer is no.' or 'My answer is maybe.'",
                        k -> s -> CONSTRAINED.stream().anyMatch(s::contains)),
                new Instruction.Kind("detectable_content:number_placeholders", Set.of("num_placeholders"),
                        "at least num_placeholders placeholders in square brackets, [address]", k -> {
                            int n = k.count("num_placeholders", 0);
                            return s -> Text.count(PLACEHOLDER, s) >= n;
                        }),
                new Instruction.Kind("detectable_content:postscript", Set.of("postscript_marker"),
                        "a line starting with postscript_marker (P.S., P.P.S; any case, spaces after dots allowed)", k -> {
                            Pattern p = postscript(k.text("postscript_marker"));
                            return s -> p.matcher(s).find();
                        }),
                new Instruction.Kind("combination:two_responses", Set.of(),
                        "two different answers separated by six asterisks ******", k -> FormatChecks::twoResponses),
                new Instruction.Kind("combination:repeat_prompt", Set.of("prompt_to_repeat"),
                        "starts by repeating prompt_to_repeat word for word (any case)", k -> {
                            String prompt = k.text("prompt_to_repeat").strip().toLowerCase(Locale.ROOT);
                            return s -> s.strip().toLowerCase(Locale.ROOT).startsWith(prompt);
                        }));
    }

    static boolean isJson(String s) {
        String t = s.strip();
        var fenced = FENCE.matcher(t);
        if (fenced.matches()) {
            t = fenced.group(1).strip();
        }
        if (t.isEmpty()) {
            return false;
        }
        try {
            JSON.readTree(t);
            return true;
        } catch (JacksonException e) {
            return false;
        }
    }

    static int highlights(String s) {
        int n = 0;
        for (var m : HIGHLIGHT.matcher(s).results().toList()) {
            n += m.group().replace("*", "").isBlank() ? 0 : 1;
        }
        for (var m : BOLD.matcher(s).results().toList()) {
            n += m.group().replace("*", "").isBlank() ? 0 : 1;
        }
        return n;
    }

    /** {@code P.S.} matches {@code p.s.}, {@code P. S.}; at the start of a line. */
    static Pattern postscript(String marker) {
        StringBuilder re = new StringBuilder("(?im)^\\s*");
        String m = marker.strip();
        for (int i = 0; i < m.length(); i++) {
            char c = m.charAt(i);
            re.append(Pattern.quote(String.valueOf(c)));
            if (c == '.') {
                re.append("\\s?");
            }
        }
        return Pattern.compile(re.toString());
    }

    static boolean twoResponses(String s) {
        String[] parts = s.split("\\*{6}", -1);
        List<String> answers = java.util.Arrays.stream(parts).map(String::strip).toList();
        // a separator at either end leaves an empty piece, which is allowed; one in the middle is not
        List<String> nonEmpty = answers.stream().filter(a -> !a.isEmpty()).toList();
        for (int i = 1; i < answers.size() - 1; i++) {
            if (answers.get(i).isEmpty()) {
                return false;
            }
        }
        return nonEmpty.size() == 2 && !nonEmpty.get(0).equals(nonEmpty.get(1));
    }
}
