package dev.nemotron.eval.ruler;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * One chain of variable assignments as RULER's {@code variable_tracking.py} draws it: distinct
 * upper-case names, a 5-digit value, {@code VAR X1 = 12345} then {@code VAR X2 = VAR X1} and so on
 * for each hop. Every variable of the chain ends up holding the value.
 *
 * @param variables  the names in chain order (hops + 1 of them)
 * @param value      the value assigned first
 * @param statements the assignments in order
 */
record VariableChain(List<String> variables, String value, List<String> statements) {
    /** A chain of {@code hops} hops with names of {@code nameLength} letters. */
    static VariableChain draw(int hops, int nameLength, Random rng) {
        Set<String> names = new LinkedHashSet<>();
        while (names.size() < hops + 1) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < nameLength; i++) {
                sb.append((char) ('A' + rng.nextInt(26)));
            }
            names.add(sb.toString());
        }
        List<String> vars = List.copyOf(names);
        String value = Integer.toString(10_000 + rng.nextInt(90_000));
        List<String> statements = new ArrayList<>();
        statements.add("VAR " + vars.getFirst() + " = " + value);
        for (int j = 1; j < vars.size(); j++) {
            statements.add("VAR " + vars.get(j) + " = VAR " + vars.get(j - 1));
        }
        return new VariableChain(vars, value, List.copyOf(statements));
    }
}
