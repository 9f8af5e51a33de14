package dev.nemotron.api;

/**
 * An error caused by the user's input (a checkpoint, a config, a flag) rather than by a bug.
 *
 * <p>Its message is one line meant for a person: it names the file, field or value at fault and,
 * where possible, what was expected. The command-line tool prints it without a stack trace.
 */
public class NemotronException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NemotronException(String message) {
        super(message);
    }

    public NemotronException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * {@code message} on one line: line breaks and other control characters that an untrusted value
     * quoted in it may carry are written as escapes ({@code \n}, {@code \u0007}).
     */
    public static String oneLine(String message) {
        if (message == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
