package dev.nemotron.text.chat;

import dev.nemotron.api.NemotronException;

import java.util.Locale;

/** The author of one chat turn, spelled as in the OpenAI and HF chat formats. */
public enum ChatRole {
    SYSTEM, USER, ASSISTANT, TOOL;

    /** The lower-case wire name ({@code "system"}, {@code "user"}, …). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name; an unknown role is a user error. */
    public static ChatRole fromWireName(String name) {
        for (ChatRole role : values()) {
            if (role.wireName().equals(name)) {
                return role;
            }
        }
        throw new NemotronException("unknown chat role '" + name + "' (expected system, user, assistant or tool)");
    }
}
