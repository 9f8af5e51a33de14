package dev.nemotron.text.chat.jinja.runtime;

import java.util.List;

/** The {@code loop} variable of a for loop. */
final class LoopInfo {
    private final List<Object> items;
    private int index0;

    LoopInfo(List<Object> items) {
        this.items = items;
    }

    void moveTo(int i) {
        index0 = i;
    }

    /** The attribute {@code name}, or an {@link Undefined}. */
    Object get(String name) {
        int length = items.size();
        return switch (name) {
            case "index0" -> (long) index0;
            case "index" -> (long) index0 + 1;
            case "revindex" -> (long) (length - index0);
            case "revindex0" -> (long) (length - index0 - 1);
            case "first" -> index0 == 0;
            case "last" -> index0 == length - 1;
            case "length" -> (long) length;
            case "depth" -> 1L;
            case "depth0" -> 0L;
            case "previtem" -> index0 > 0 ? items.get(index0 - 1) : new Undefined("there is no previous item");
            case "nextitem" -> index0 < length - 1 ? items.get(index0 + 1) : new Undefined("there is no next item");
            case "cycle" -> (JinjaCallable) (args, kwargs) -> {
                if (args.isEmpty()) {
                    throw new RenderFailure("loop.cycle needs at least one argument");
                }
                return args.get(index0 % args.size());
            };
            default -> new Undefined("loop has no attribute '" + name + "'");
        };
    }
}
