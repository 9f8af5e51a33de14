package dev.nemotron.infer.server;

import dev.nemotron.text.chat.ToolCallText;
import java.util.Optional;

/**
 * One streamed choice's content on its way out when tool calls are parsed: text is passed on as
 * it comes, except what may be the start of a call block ({@code <TOOLCALL>...}), which is held
 * until the answer ends. Then the block becomes calls, or, if malformed, content after all.
 */
final class ToolCallStream {
    private final StringBuilder held = new StringBuilder();
    private boolean inBlock;

    /** The part of {@code piece} (with what was held before) that can be sent as content now. */
    String accept(String piece) {
        held.append(piece);
        if (inBlock) {
            return "";
        }
        int open = held.indexOf(ToolCallText.OPEN);
        int keep = open >= 0 ? held.length() - open : ToolCallText.partialOpenAtEnd(held.toString());
        inBlock = open >= 0;
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return out;
    }

    /**
     * At the end of the answer: the calls of the held block, or empty when there is none (then
     * {@link #rest()} is content still to send).
     */
    Optional<ToolCallText.Parsed> finish() {
        return inBlock ? ToolCallText.parse(held.toString()) : Optional.empty();
    }

    /** The text held back, to send as content when {@link #finish()} found no calls. */
    String rest() {
        return held.toString();
    }
}
