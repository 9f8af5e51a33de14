package dev.nemotron.text.chat.jinja.runtime;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The global functions HF gives chat templates: {@code raise_exception}, {@code strftime_now}, plus Jinja's. */
public final class Globals {
    private Globals() {
    }

    /** A fresh map of the global functions. */
    public static Map<String, Object> create() {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("raise_exception", (JinjaCallable) (args, kwargs) -> {
            throw new RaisedException(args.isEmpty() ? "" : Values.str(args.get(0)));
        });
        g.put("range", (JinjaCallable) (args, kwargs) -> range(args));
        g.put("namespace", (JinjaCallable) (args, kwargs) -> new Namespace(kwargs));
        g.put("dict", (JinjaCallable) (args, kwargs) -> new LinkedHashMap<>(kwargs));
        g.put("strftime_now", (JinjaCallable) (args, kwargs) -> strftime(Values.str(args.get(0))));
        return g;
    }

    /** Numbers one {@code range()} may produce at most. */
    static final long MAX_RANGE = 1 << 20;

    private static List<Object> range(List<Object> args) {
        long start = args.size() > 1 ? Values.toLong(args.get(0)) : 0;
        long stop = Values.toLong(args.size() > 1 ? args.get(1) : args.get(0));
        long step = args.size() > 2 ? Values.toLong(args.get(2)) : 1;
        if (step == 0) {
            throw new RenderFailure("range() arg 3 must not be zero");
        }
        long count = step > 0 ? (stop > start ? (stop - start + step - 1) / step : 0)
                : (start > stop ? (start - stop - step - 1) / -step : 0);
        if (count > MAX_RANGE || count < 0) {
            throw new RenderFailure("range() of more than " + MAX_RANGE + " numbers");
        }
        List<Object> out = new ArrayList<>((int) count);
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
            out.add(i);
        }
        return out;
    }

    /** Python's {@code strftime} for the directives date templates use. */
    private static String strftime(String format) {
        LocalDateTime now = LocalDateTime.now();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 >= format.length()) {
                sb.append(c);
                continue;
            }
            char d = format.charAt(++i);
            String pattern = switch (d) {
                case 'd' -> "dd";
                case 'm' -> "MM";
                case 'Y' -> "yyyy";
                case 'y' -> "yy";
                case 'b' -> "MMM";
                case 'B' -> "MMMM";
                case 'H' -> "HH";
                case 'M' -> "mm";
                case 'S' -> "ss";
                case 'A' -> "EEEE";
                case 'a' -> "EEE";
                default -> null;
            };
            sb.append(pattern == null ? "%" + d : now.format(DateTimeFormatter.ofPattern(pattern, java.util.Locale.ENGLISH)));
        }
        return sb.toString();
    }
}
