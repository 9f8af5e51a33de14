package dev.nemotron.text.chat.jinja.runtime;

import dev.nemotron.text.chat.jinja.ast.Expr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Evaluates expressions in a scope. */
final class Evaluator {
    private Evaluator() {
    }

    static Object eval(Expr e, Scope scope) {
        return switch (e) {
            case Expr.Literal lit -> lit.value();
            case Expr.Name n -> scope.get(n.name());
            case Expr.GetAttr g -> Access.attribute(eval(g.target(), scope), g.name());
            case Expr.GetItem g -> Access.item(eval(g.target(), scope), eval(g.index(), scope));
            case Expr.Slice s -> Access.slice(eval(s.target(), scope), optional(s.start(), scope),
                    optional(s.stop(), scope), optional(s.step(), scope));
            case Expr.Call c -> call(eval(c.callee(), scope), all(c.args(), scope), all(c.kwargs(), scope), c);
            case Expr.Filter f -> Filters.apply(f.name(), eval(f.value(), scope), all(f.args(), scope),
                    all(f.kwargs(), scope));
            case Expr.Test t -> Tests.apply(t.name(), eval(t.value(), scope), all(t.args(), scope)) != t.negated();
            case Expr.Unary u -> unary(u, scope);
            case Expr.Binary b -> binary(b, scope);
            case Expr.Conditional c -> Values.truthy(eval(c.condition(), scope)) ? eval(c.then(), scope)
                    : c.otherwise() == null ? new Undefined("the conditional expression had no else branch")
                    : eval(c.otherwise(), scope);
            case Expr.ListLiteral l -> all(l.items(), scope);
            case Expr.DictLiteral d -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                for (int i = 0; i < d.keys().size(); i++) {
                    out.put(eval(d.keys().get(i), scope), eval(d.values().get(i), scope));
                }
                yield out;
            }
        };
    }

    private static Object optional(Expr e, Scope scope) {
        return e == null ? null : eval(e, scope);
    }

    private static List<Object> all(List<Expr> exprs, Scope scope) {
        List<Object> out = new ArrayList<>(exprs.size());
        for (Expr e : exprs) {
            out.add(eval(e, scope));
        }
        return out;
    }

    private static Map<String, Object> all(Map<String, Expr> exprs, Scope scope) {
        Map<String, Object> out = new LinkedHashMap<>();
        exprs.forEach((k, v) -> out.put(k, eval(v, scope)));
        return out;
    }

    private static Object call(Object callee, List<Object> args, Map<String, Object> kwargs, Expr.Call at) {
        if (callee instanceof Undefined u) {
            throw u.fail();
        }
        if (!(callee instanceof JinjaCallable fn)) {
            throw new RenderFailure("'" + Values.typeName(callee) + "' object is not callable");
        }
        return fn.call(args, kwargs);
    }

    private static Object unary(Expr.Unary u, Scope scope) {
        Object v = eval(u.operand(), scope);
        if (u.op().equals("not")) {
            return !Values.truthy(v);
        }
        if (v instanceof Undefined undefined) {
            throw undefined.fail();
        }
        if (!Values.isNumber(v)) {
            throw new RenderFailure("bad operand type for unary " + u.op() + ": '" + Values.typeName(v) + "'");
        }
        if (u.op().equals("+")) {
            return v instanceof Boolean ? Values.toLong(v) : v;
        }
        return v instanceof Double d ? (Object) (-d) : (Object) (-Values.toLong(v));
    }

    private static Object binary(Expr.Binary b, Scope scope) {
        Object left = eval(b.left(), scope);
        return switch (b.op()) {
            case "and" -> Values.truthy(left) ? eval(b.right(), scope) : left;
            case "or" -> Values.truthy(left) ? left : eval(b.right(), scope);
            default -> Operators.apply(b.op(), left, eval(b.right(), scope));
        };
    }
}
