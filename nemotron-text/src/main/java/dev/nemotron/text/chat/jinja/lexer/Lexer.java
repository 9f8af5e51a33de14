package dev.nemotron.text.chat.jinja.lexer;

import dev.nemotron.text.chat.jinja.error.TemplateSyntaxError;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a Jinja template into tokens, with the whitespace rules of HF's chat-template
 * environment: {@code trim_blocks} and {@code lstrip_blocks} on, {@code -} and {@code +}
 * modifiers on tags. Comments are dropped; {@code {% raw %}} blocks become text.
 */
public final class Lexer {
    private static final String[] OPERATORS = {
        "**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=",
        "(", ")", "[", "]", "{", "}", ".", ",", ":", "|"};

    private final String src;
    private final List<Token> out = new ArrayList<>();
    private int pos;
    private int line = 1;
    private int col = 1;
    /** What the previous tag asks of the following text: strip all leading whitespace / one newline. */
    private boolean stripNext;
    private boolean trimNewline;

    private Lexer(String src) {
        this.src = src;
    }

    /** Tokenizes {@code source}; the list ends with an {@link TokenType#EOF} token. */
    public static List<Token> tokenize(String source) {
        Lexer lexer = new Lexer(source);
        lexer.run();
        return lexer.out;
    }

    private void run() {
        while (pos < src.length()) {
            int tag = nextTagStart(pos);
            int textLine = line;
            int textCol = col;
            String text = src.substring(pos, tag < 0 ? src.length() : tag);
            boolean atLineStart = pos == 0 || src.charAt(pos - 1) == '\n';
            text = applyLeadingRules(text);
            advanceTo(tag < 0 ? src.length() : tag);
            if (tag < 0) {
                emitText(text, textLine, textCol);
                break;
            }
            char kind = src.charAt(tag + 1);
            char modifier = tag + 2 < src.length() ? src.charAt(tag + 2) : ' ';
            if (modifier == '-') {
                text = stripTrailing(text);
            } else if (kind != '{' && modifier != '+') {
                text = lstripBlock(text, atLineStart);
            }
            emitText(text, textLine, textCol);
            if (kind == '%' && isRawBlock(tag)) {
                lexRaw();
            } else if (kind == '#') {
                lexComment();
            } else {
                lexTag(kind);
            }
        }
        out.add(new Token(TokenType.EOF, "", line, col));
    }

    private int nextTagStart(int from) {
        for (int i = src.indexOf('{', from); i >= 0 && i + 1 < src.length(); i = src.indexOf('{', i + 1)) {
            char c = src.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
        }
        return -1;
    }

    private String applyLeadingRules(String text) {
        if (stripNext) {
            text = text.stripLeading();
        } else if (trimNewline) {
            if (text.startsWith("\r\n")) {
                text = text.substring(2);
            } else if (text.startsWith("\n")) {
                text = text.substring(1);
            }
        }
        stripNext = false;
        trimNewline = false;
        return text;
    }

    private static String stripTrailing(String text) {
        return text.stripTrailing();
    }

    /** lstrip_blocks: spaces and tabs between the start of a line and a block tag go. */
    private static String lstripBlock(String text, boolean textStartsLine) {
        int nl = text.lastIndexOf('\n');
        if (nl < 0 && !textStartsLine) {
            return text;
        }
        for (int i = nl + 1; i < text.length(); i++) {
            if (text.charAt(i) != ' ' && text.charAt(i) != '\t') {
                return text;
            }
        }
        return text.substring(0, nl + 1);
    }

    private void emitText(String text, int textLine, int textCol) {
        if (!text.isEmpty()) {
            out.add(new Token(TokenType.TEXT, text, textLine, textCol));
        }
    }

    private boolean isRawBlock(int tag) {
        int i = tag + 2;
        if (i < src.length() && (src.charAt(i) == '-' || src.charAt(i) == '+')) {
            i++;
        }
        while (i < src.length() && Character.isWhitespace(src.charAt(i))) {
            i++;
        }
        return src.startsWith("raw", i) && !Character.isLetterOrDigit(charAt(i + 3)) && charAt(i + 3) != '_';
    }

    private char charAt(int i) {
        return i < src.length() ? src.charAt(i) : '\0';
    }

    private void lexRaw() {
        int startLine = line;
        int startCol = col;
        int open = src.indexOf("%}", pos);
        if (open < 0) {
            throw new TemplateSyntaxError("unclosed raw tag", startLine, startCol);
        }
        int bodyStart = open + 2;
        int end = findTag("endraw", bodyStart);
        if (end < 0) {
            throw new TemplateSyntaxError("raw block without endraw", startLine, startCol);
        }
        advanceTo(bodyStart);
        emitText(src.substring(bodyStart, end), line, col);
        int close = src.indexOf("%}", end);
        advanceTo(close + 2);
        trimNewline = true;
    }

    private int findTag(String name, int from) {
        for (int i = src.indexOf("{%", from); i >= 0; i = src.indexOf("{%", i + 2)) {
            int j = i + 2;
            if (j < src.length() && (src.charAt(j) == '-' || src.charAt(j) == '+')) {
                j++;
            }
            while (j < src.length() && Character.isWhitespace(src.charAt(j))) {
                j++;
            }
            if (src.startsWith(name, j)) {
                return i;
            }
        }
        return -1;
    }

    private void lexComment() {
        int startLine = line;
        int startCol = col;
        int end = src.indexOf("#}", pos + 2);
        if (end < 0) {
            throw new TemplateSyntaxError("unclosed comment", startLine, startCol);
        }
        stripNext = src.charAt(end - 1) == '-';
        trimNewline = !stripNext && src.charAt(end - 1) != '+';
        advanceTo(end + 2);
    }

    private void lexTag(char kind) {
        boolean block = kind == '%';
        out.add(new Token(block ? TokenType.BLOCK_BEGIN : TokenType.VARIABLE_BEGIN, block ? "{%" : "{{", line, col));
        int startLine = line;
        int startCol = col;
        advanceTo(pos + 2);
        if (pos < src.length() && (src.charAt(pos) == '-' || src.charAt(pos) == '+')) {
            advanceTo(pos + 1);
        }
        int braces = 0;
        while (true) {
            skipWhitespace();
            if (pos >= src.length()) {
                throw new TemplateSyntaxError("unclosed " + (block ? "block tag" : "expression"), startLine, startCol);
            }
            if (braces == 0 && tagEndsHere(block)) {
                return;
            }
            char c = src.charAt(pos);
            if (c == '\'' || c == '"') {
                lexString(c);
            } else if (Character.isDigit(c)) {
                lexNumber();
            } else if (Character.isLetter(c) || c == '_') {
                int end = pos;
                while (end < src.length() && (Character.isLetterOrDigit(src.charAt(end)) || src.charAt(end) == '_')) {
                    end++;
                }
                emit(TokenType.NAME, src.substring(pos, end), end);
            } else {
                String op = matchOperator();
                if (op == null) {
                    throw new TemplateSyntaxError("unexpected character '" + c + "'", line, col);
                }
                if (op.equals("{") || op.equals("[") || op.equals("(")) {
                    braces++;
                } else if (op.equals("}") || op.equals("]") || op.equals(")")) {
                    braces--;
                }
                emit(TokenType.OPERATOR, op, pos + op.length());
            }
        }
    }

    private boolean tagEndsHere(boolean block) {
        String end = block ? "%}" : "}}";
        char first = src.charAt(pos);
        if ((first == '-' || first == '+') && src.startsWith(end, pos + 1)) {
            out.add(new Token(block ? TokenType.BLOCK_END : TokenType.VARIABLE_END, end, line, col));
            stripNext = first == '-';
            trimNewline = block && first != '+' && first != '-';
            advanceTo(pos + 3);
            return true;
        }
        if (src.startsWith(end, pos)) {
            out.add(new Token(block ? TokenType.BLOCK_END : TokenType.VARIABLE_END, end, line, col));
            trimNewline = block;
            advanceTo(pos + 2);
            return true;
        }
        return false;
    }

    private String matchOperator() {
        for (String op : OPERATORS) {
            if (src.startsWith(op, pos)) {
                return op;
            }
        }
        return null;
    }

    private void lexString(char quote) {
        StringBuilder sb = new StringBuilder();
        int i = pos + 1;
        while (true) {
            if (i >= src.length()) {
                throw new TemplateSyntaxError("unterminated string", line, col);
            }
            char c = src.charAt(i);
            if (c == quote) {
                break;
            }
            if (c == '\\' && i + 1 < src.length()) {
                i = StringEscapes.decode(src, i, sb);
            } else {
                sb.append(c);
                i++;
            }
        }
        emit(TokenType.STRING, sb.toString(), i + 1);
    }

    private void lexNumber() {
        int end = digitsFrom(pos, true);
        boolean isFloat = false;
        if (end + 1 < src.length() && src.charAt(end) == '.' && Character.isDigit(src.charAt(end + 1))) {
            isFloat = true;
            end = digitsFrom(end + 1, false);
        }
        if (end < src.length() && (src.charAt(end) == 'e' || src.charAt(end) == 'E')) {
            int exp = end + 1;
            if (exp < src.length() && (src.charAt(exp) == '+' || src.charAt(exp) == '-')) {
                exp++;
            }
            if (exp < src.length() && Character.isDigit(src.charAt(exp))) {
                isFloat = true;
                end = digitsFrom(exp, false);
            }
        }
        emit(isFloat ? TokenType.FLOAT : TokenType.INTEGER, src.substring(pos, end).replace("_", ""), end);
    }

    private int digitsFrom(int i, boolean underscores) {
        while (i < src.length() && (Character.isDigit(src.charAt(i)) || underscores && src.charAt(i) == '_')) {
            i++;
        }
        return i;
    }

    /** Emits a token that starts at {@code pos} and ends before {@code end}, moving past it. */
    private void emit(TokenType type, String value, int end) {
        out.add(new Token(type, value, line, col));
        advanceTo(end);
    }

    private void skipWhitespace() {
        int i = pos;
        while (i < src.length() && Character.isWhitespace(src.charAt(i))) {
            i++;
        }
        advanceTo(i);
    }

    /** Moves {@code pos} to {@code target}, keeping line and column. */
    private void advanceTo(int target) {
        for (; pos < target; pos++) {
            if (src.charAt(pos) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
    }
}
