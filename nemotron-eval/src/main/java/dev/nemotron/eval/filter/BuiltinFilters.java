package dev.nemotron.eval.filter;

import dev.nemotron.eval.config.Fields;
import java.util.List;
import java.util.Locale;

/**
 * The built-in filter types: {@code regex} ({@link RegexFilter}), {@code strip} (leading and
 * trailing whitespace), {@code lowercase}, and {@code take_first_line}.
 */
public final class BuiltinFilters {
    private BuiltinFilters() {
    }

    /** The built-in providers. */
    public static List<AnswerFilterProvider> all() {
        return List.of(
                provider("regex", RegexFilter::fromOptions),
                provider("strip", f -> {
                    f.allowOnly("type");
                    return String::strip;
                }),
                provider("lowercase", f -> {
                    f.allowOnly("type");
                    return s -> s.toLowerCase(Locale.ROOT);
                }),
                provider("take_first_line", f -> {
                    f.allowOnly("type");
                    return s -> {
                        String t = s.stripLeading();
                        int nl = t.indexOf('\n');
                        return nl < 0 ? t : t.substring(0, nl);
                    };
                }));
    }

    private static AnswerFilterProvider provider(String type, java.util.function.Function<Fields, AnswerFilter> factory) {
        return new AnswerFilterProvider() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public AnswerFilter create(Fields options) {
                return factory.apply(options);
            }
        };
    }
}
