package dev.nemotron.text.chat.jinja.lexer;

/**
 * One token with its 1-based source position.
 *
 * @param type   the kind
 * @param value  the text (for {@link TokenType#STRING} the decoded string)
 * @param line   1-based line
 * @param column 1-based column
 */
public record Token(TokenType type, String value, int line, int column) {
    /** Whether this is the operator {@code op}. */
    public boolean isOperator(String op) {
        return type == TokenType.OPERATOR && value.equals(op);
    }

    /** Whether this is the name (or keyword) {@code name}. */
    public boolean isName(String name) {
        return type == TokenType.NAME && value.equals(name);
    }
}
