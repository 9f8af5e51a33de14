package dev.nemotron.text.chat.jinja.parser;

import dev.nemotron.text.chat.jinja.ast.Expr;
import dev.nemotron.text.chat.jinja.ast.Stmt;
import dev.nemotron.text.chat.jinja.lexer.Lexer;
import dev.nemotron.text.chat.jinja.lexer.Token;
import dev.nemotron.text.chat.jinja.lexer.TokenType;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Parses template tokens into statements; expressions are delegated to {@link ExprParser}. */
public final class Parser {
    private final TokenStream ts;
    private final ExprParser exprs;

    private Parser(List<Token> tokens) {
        this.ts = new TokenStream(tokens);
        this.exprs = new ExprParser(ts);
    }

    /** Parses a whole template. */
    public static List<Stmt> parse(String source) {
        Parser p = new Parser(Lexer.tokenize(source));
        return p.body(Set.of());
    }

    /** Parses statements until EOF or a block tag named in {@code ends} (left unconsumed, at its '{%'). */
    private List<Stmt> body(Set<String> ends) {
        List<Stmt> out = new ArrayList<>();
        while (true) {
            Token t = ts.peek();
            switch (t.type()) {
                case EOF -> {
                    if (!ends.isEmpty()) {
                        throw TokenStream.error("missing '{% " + String.join(" %}' or '{% ", ends.stream().sorted().toList())
                                + " %}'", t);
                    }
                    return out;
                }
                case TEXT -> out.add(new Stmt.Text(ts.next().value(), t.line()));
                case VARIABLE_BEGIN -> {
                    ts.next();
                    Expr e = exprs.expression();
                    ts.expect(TokenType.VARIABLE_END, "'}}'");
                    out.add(new Stmt.Output(e, t.line()));
                }
                case BLOCK_BEGIN -> {
                    Token name = ts.peek(1);
                    if (name.type() == TokenType.NAME && ends.contains(name.value())) {
                        return out;
                    }
                    ts.next();
                    out.add(statement());
                }
                default -> throw TokenStream.error("unexpected " + TokenStream.describe(t), t);
            }
        }
    }

    private Stmt statement() {
        Token kw = ts.expect(TokenType.NAME, "a statement name");
        Stmt s = switch (kw.value()) {
            case "if" -> ifStatement(kw);
            case "for" -> forStatement(kw);
            case "set" -> setStatement(kw);
            case "macro" -> macroStatement(kw);
            case "break" -> endTag(new Stmt.Break(kw.line()));
            case "continue" -> endTag(new Stmt.Continue(kw.line()));
            case "generation" -> blockStatement(kw, "endgeneration");
            default -> throw TokenStream.error("unknown tag '" + kw.value() + "'", kw);
        };
        return s;
    }

    private <T> T endTag(T stmt) {
        ts.expect(TokenType.BLOCK_END, "'%}'");
        return stmt;
    }

    private void closeWith(String name) {
        ts.expect(TokenType.BLOCK_BEGIN, "'{%'");
        ts.expectName(name);
        ts.expect(TokenType.BLOCK_END, "'%}'");
    }

    private Stmt ifStatement(Token kw) {
        Expr cond = exprs.expression();
        ts.expect(TokenType.BLOCK_END, "'%}'");
        List<Stmt> then = body(Set.of("elif", "else", "endif"));
        ts.next();
        Token branch = ts.next();
        List<Stmt> otherwise = List.of();
        switch (branch.value()) {
            case "elif" -> otherwise = List.of(ifStatement(branch));
            case "else" -> {
                ts.expect(TokenType.BLOCK_END, "'%}'");
                otherwise = body(Set.of("endif"));
                closeWith("endif");
            }
            default -> ts.expect(TokenType.BLOCK_END, "'%}'");
        }
        return new Stmt.If(cond, then, otherwise, kw.line());
    }

    private Stmt forStatement(Token kw) {
        List<String> targets = new ArrayList<>();
        boolean paren = ts.acceptOperator("(");
        do {
            targets.add(ts.expect(TokenType.NAME, "a loop variable").value());
        } while (ts.acceptOperator(","));
        if (paren) {
            ts.expectOperator(")");
        }
        ts.expectName("in");
        Expr iterable = exprs.noConditional();
        Expr filter = ts.acceptName("if") ? exprs.noConditional() : null;
        ts.acceptName("recursive");
        ts.expect(TokenType.BLOCK_END, "'%}'");
        List<Stmt> body = body(Set.of("else", "endfor"));
        ts.next();
        List<Stmt> empty = List.of();
        if (ts.next().value().equals("else")) {
            ts.expect(TokenType.BLOCK_END, "'%}'");
            empty = body(Set.of("endfor"));
            closeWith("endfor");
        } else {
            ts.expect(TokenType.BLOCK_END, "'%}'");
        }
        return new Stmt.For(targets, iterable, filter, body, empty, kw.line());
    }

    private Stmt setStatement(Token kw) {
        Token first = ts.expect(TokenType.NAME, "a variable name");
        if (ts.acceptOperator(".")) {
            String attr = ts.expect(TokenType.NAME, "an attribute name").value();
            ts.expectOperator("=");
            return endTag(new Stmt.SetAttr(first.value(), attr, exprs.expression(), kw.line()));
        }
        List<String> targets = new ArrayList<>(List.of(first.value()));
        while (ts.acceptOperator(",")) {
            targets.add(ts.expect(TokenType.NAME, "a variable name").value());
        }
        if (targets.size() == 1 && ts.peek().type() == TokenType.BLOCK_END) {
            ts.next();
            List<Stmt> body = body(Set.of("endset"));
            closeWith("endset");
            return new Stmt.SetBlock(first.value(), body, kw.line());
        }
        ts.expectOperator("=");
        return endTag(new Stmt.Set(targets, exprs.expression(), kw.line()));
    }

    private Stmt macroStatement(Token kw) {
        String name = ts.expect(TokenType.NAME, "a macro name").value();
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        ts.expectOperator("(");
        while (!ts.acceptOperator(")")) {
            if (!params.isEmpty()) {
                ts.expectOperator(",");
            }
            Token p = ts.expect(TokenType.NAME, "a parameter name");
            params.add(p.value());
            if (ts.acceptOperator("=")) {
                defaults.add(exprs.expression());
            } else if (!defaults.isEmpty()) {
                throw TokenStream.error("parameter '" + p.value() + "' without default follows one with a default", p);
            }
        }
        ts.expect(TokenType.BLOCK_END, "'%}'");
        List<Stmt> body = body(Set.of("endmacro"));
        closeWith("endmacro");
        return new Stmt.Macro(name, params, defaults, body, kw.line());
    }

    private Stmt blockStatement(Token kw, String end) {
        ts.expect(TokenType.BLOCK_END, "'%}'");
        List<Stmt> body = body(Set.of(end));
        closeWith(end);
        return new Stmt.Block(body, kw.line());
    }
}
