package dev.nemotron.text.chat;

import java.util.List;

/**
 * The {@code /think} and {@code /no_think} switches of Nemotron Nano 2, read as its chat template
 * reads them: system and user turns are scanned in order; a turn containing {@code /think} turns
 * reasoning on, else one containing {@code /no_think} turns it off; the last such turn wins.
 */
public final class ThinkingFlags {
    /** Turns reasoning on. */
    public static final String THINK = "/think";
    /** Turns reasoning off. */
    public static final String NO_THINK = "/no_think";

    private ThinkingFlags() {
    }

    /** Whether reasoning is on after the flags of {@code messages}, starting from {@code initial}. */
    public static boolean resolve(List<ChatMessage> messages, boolean initial) {
        boolean thinking = initial;
        for (ChatMessage m : messages) {
            if (m.role() != ChatRole.SYSTEM && m.role() != ChatRole.USER) {
                continue;
            }
            String content = m.contentOrEmpty();
            if (content.contains(THINK)) {
                thinking = true;
            } else if (content.contains(NO_THINK)) {
                thinking = false;
            }
        }
        return thinking;
    }

    /** {@code text} with every flag removed (not yet stripped). */
    public static String remove(String text) {
        return text.replace(THINK, "").replace(NO_THINK, "");
    }
}
