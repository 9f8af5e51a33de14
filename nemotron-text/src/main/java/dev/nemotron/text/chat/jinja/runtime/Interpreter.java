package dev.nemotron.text.chat.jinja.runtime;

import dev.nemotron.text.chat.jinja.error.TemplateRenderError;
import dev.nemotron.text.chat.jinja.ast.Stmt;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Executes a parsed template against a context and returns the text. */
public final class Interpreter {
    /** Unwinds a loop body on {@code break} / {@code continue}. */
    private static final class LoopSignal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean isBreak;

        LoopSignal(boolean isBreak) {
            super(null, null, false, false);
            this.isBreak = isBreak;
        }
    }

    /** Macro calls nested at most (a template that recurses without end stops here, with a clear error). */
    public static final int MAX_CALL_DEPTH = 100;
    /** Characters a template may write at most. */
    public static final int MAX_OUTPUT_CHARS = 16 << 20;

    /** Statements a rendering may execute at most (a template that loops or recurses exponentially stops here). */
    public static final long MAX_STEPS = 2_000_000;

    private int line;
    private int depth;
    private long steps;

    private Interpreter() {
    }

    /**
     * Renders {@code template} with {@code context} on top of {@link Globals}.
     *
     * @throws TemplateRenderError naming the template line when rendering fails or the template raises
     */
    public static String render(List<Stmt> template, Map<String, Object> context) {
        Map<String, Object> initial = Globals.create();
        initial.putAll(context);
        Interpreter interpreter = new Interpreter();
        StringBuilder out = new StringBuilder();
        try {
            interpreter.exec(template, new Scope(new Scope(initial)), out);
        } catch (RaisedException e) {
            throw new TemplateRenderError("chat template raised an error at line " + interpreter.line + ": "
                    + e.getMessage(), true);
        } catch (StackOverflowError e) {
            throw new TemplateRenderError("chat template failed at line " + interpreter.line
                    + ": it nests too deeply (unbounded recursion?)");
        } catch (RenderFailure e) {
            throw new TemplateRenderError("chat template failed at line " + interpreter.line + ": " + e.getMessage());
        } catch (LoopSignal e) {
            throw new TemplateRenderError("chat template failed at line " + interpreter.line
                    + ": break or continue outside a loop");
        }
        return out.toString();
    }

    private void exec(List<Stmt> body, Scope scope, StringBuilder out) {
        for (Stmt s : body) {
            line = s.line();
            if (++steps > MAX_STEPS) {
                throw new RenderFailure("the template runs more than " + MAX_STEPS + " statements");
            }
            exec(s, scope, out);
            if (out.length() > MAX_OUTPUT_CHARS) {
                throw new RenderFailure("the template writes more than " + MAX_OUTPUT_CHARS + " characters");
            }
        }
    }

    private void exec(Stmt stmt, Scope scope, StringBuilder out) {
        switch (stmt) {
            case Stmt.Text t -> out.append(t.text());
            case Stmt.Output o -> out.append(Values.str(Evaluator.eval(o.expr(), scope)));
            case Stmt.If i -> exec(Values.truthy(Evaluator.eval(i.condition(), scope)) ? i.then() : i.otherwise(),
                    scope, out);
            case Stmt.For f -> forLoop(f, scope, out);
            case Stmt.Set s -> assign(s.targets(), Evaluator.eval(s.value(), scope), scope);
            case Stmt.SetAttr s -> {
                Object target = scope.get(s.target());
                if (!(target instanceof Namespace ns)) {
                    throw new RenderFailure("cannot assign attribute on non-namespace object '" + s.target() + "'");
                }
                ns.set(s.attr(), Evaluator.eval(s.value(), scope));
            }
            case Stmt.SetBlock s -> {
                StringBuilder captured = new StringBuilder();
                exec(s.body(), scope, captured);
                scope.set(s.target(), captured.toString());
            }
            case Stmt.Macro m -> scope.set(m.name(), macro(m, scope));
            case Stmt.Break b -> throw new LoopSignal(true);
            case Stmt.Continue c -> throw new LoopSignal(false);
            case Stmt.Block b -> exec(b.body(), scope, out);
        }
    }

    private static void assign(List<String> targets, Object value, Scope scope) {
        if (targets.size() == 1) {
            scope.set(targets.getFirst(), value);
            return;
        }
        List<Object> items = Values.iterate(value);
        if (items.size() != targets.size()) {
            throw new RenderFailure("cannot unpack " + items.size() + " values into " + targets.size() + " names");
        }
        for (int i = 0; i < targets.size(); i++) {
            scope.set(targets.get(i), items.get(i));
        }
    }

    private void forLoop(Stmt.For f, Scope scope, StringBuilder out) {
        List<Object> items = Values.iterate(Evaluator.eval(f.iterable(), scope));
        if (f.filter() != null) {
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                Scope probe = new Scope(scope);
                assign(f.targets(), item, probe);
                if (Values.truthy(Evaluator.eval(f.filter(), probe))) {
                    kept.add(item);
                }
            }
            items = kept;
        }
        if (items.isEmpty()) {
            exec(f.empty(), scope, out);
            return;
        }
        LoopInfo loop = new LoopInfo(items);
        for (int i = 0; i < items.size(); i++) {
            Scope iteration = new Scope(scope);
            assign(f.targets(), items.get(i), iteration);
            loop.moveTo(i);
            iteration.set("loop", loop);
            try {
                exec(f.body(), iteration, out);
            } catch (LoopSignal signal) {
                if (signal.isBreak) {
                    break;
                }
            }
        }
    }

    private JinjaCallable macro(Stmt.Macro m, Scope defining) {
        return (args, kwargs) -> {
            if (args.size() > m.params().size()) {
                throw new RenderFailure("macro '" + m.name() + "' takes " + m.params().size() + " arguments");
            }
            Scope call = new Scope(defining);
            int firstDefault = m.params().size() - m.defaults().size();
            for (int i = 0; i < m.params().size(); i++) {
                String p = m.params().get(i);
                Object v;
                if (i < args.size()) {
                    v = args.get(i);
                } else if (kwargs.containsKey(p)) {
                    v = kwargs.get(p);
                } else if (i >= firstDefault) {
                    v = Evaluator.eval(m.defaults().get(i - firstDefault), call);
                } else {
                    v = new Undefined("'" + p + "' is undefined");
                }
                call.set(p, v);
            }
            if (depth >= MAX_CALL_DEPTH) {
                throw new RenderFailure("macro '" + m.name() + "' calls nest deeper than " + MAX_CALL_DEPTH
                        + " (does it call itself without end?)");
            }
            StringBuilder body = new StringBuilder();
            int saved = line;
            depth++;
            try {
                exec(m.body(), call, body);
            } finally {
                depth--;
            }
            line = saved;
            return body.toString();
        };
    }
}
