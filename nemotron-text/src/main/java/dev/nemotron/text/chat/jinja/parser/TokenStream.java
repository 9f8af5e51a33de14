package dev.nemotron.text.chat.jinja.parser;

import dev.nemotron.text.chat.jinja.error.TemplateSyntaxError;
import dev.nemotron.text.chat.jinja.lexer.Token;
import dev.nemotron.text.chat.jinja.lexer.TokenType;

import java.util.List;

/** A cursor over tokens with the expect/accept helpers the parser needs. */
final class TokenStream {
    private final List<Token> tokens;
    private int index;

    TokenStream(List<Token> tokens) {
        this.tokens = tokens;
    }

    Token peek() {
        return tokens.get(index);
    }

    Token peek(int ahead) {
        return tokens.get(Math.min(index + ahead, tokens.size() - 1));
    }

    Token next() {
        Token t = tokens.get(index);
        if (t.type() != TokenType.EOF) {
            index++;
        }
        return t;
    }

    boolean acceptOperator(String op) {
        if (peek().isOperator(op)) {
            index++;
            return true;
        }
        return false;
    }

    boolean acceptName(String name) {
        if (peek().isName(name)) {
            index++;
            return true;
        }
        return false;
    }

    Token expect(TokenType type, String what) {
        Token t = peek();
        if (t.type() != type) {
            throw error("expected " + what + " but found " + describe(t), t);
        }
        return next();
    }

    void expectOperator(String op) {
        if (!acceptOperator(op)) {
            throw error("expected '" + op + "' but found " + describe(peek()), peek());
        }
    }

    void expectName(String name) {
        if (!acceptName(name)) {
            throw error("expected '" + name + "' but found " + describe(peek()), peek());
        }
    }

    static TemplateSyntaxError error(String message, Token at) {
        return new TemplateSyntaxError(message, at.line(), at.column());
    }

    static String describe(Token t) {
        return switch (t.type()) {
            case EOF -> "end of template";
            case BLOCK_END -> "'%}'";
            case VARIABLE_END -> "'}}'";
            case TEXT -> "template text";
            case STRING -> "string '" + shown(t.value()) + "'";
            default -> "'" + shown(t.value()) + "'";
        };
    }

    /** A token's text for a one-line message: line breaks escaped, at most 40 characters. */
    private static String shown(String value) {
        String s = value.length() > 40 ? value.substring(0, 37) + "..." : value;
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }
}
