package dev.nemotron.text.chat.jinja.lexer;

/** Kinds of Jinja tokens. */
public enum TokenType {
    /** Literal template text between tags. */
    TEXT,
    /** {@code {{}. */
    VARIABLE_BEGIN,
    /** {@code }}}. */
    VARIABLE_END,
    /** {@code {%}. */
    BLOCK_BEGIN,
    /** {@code %}}. */
    BLOCK_END,
    NAME, STRING, INTEGER, FLOAT,
    /** An operator or punctuation: {@code + - * / // % ** ~ == != < > <= >= = ( ) [ ] { } . , : |}. */
    OPERATOR,
    EOF
}
