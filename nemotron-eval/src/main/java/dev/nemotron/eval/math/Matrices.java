package dev.nemotron.eval.math;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites LaTeX matrices as tuples, so that they compare item by item:
 * {@code \begin{pmatrix}1\\2\end{pmatrix}} → {@code (1,2)} (a column or a row is one tuple),
 * {@code \begin{bmatrix}1&2\\3&4\end{bmatrix}} → {@code ((1,2),(3,4))}. Determinants
 * ({@code vmatrix}) are left alone.
 */
final class Matrices {
    private static final Pattern MATRIX = Pattern.compile(
            "\\\\begin\\{(pmatrix|bmatrix|Bmatrix|matrix|smallmatrix|array)\\}(?:\\{[^{}]*\\})?(.*?)\\\\end\\{\\1\\}", Pattern.DOTALL);

    private Matrices() {
    }

    /** {@code s} with every matrix environment replaced by its tuple. */
    static String toTuples(String s) {
        Matcher m = MATRIX.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(tuple(m.group(2))));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String tuple(String body) {
        List<List<String>> rows = new ArrayList<>();
        for (String row : body.split("\\\\\\\\")) {
            if (row.isBlank()) {
                continue;
            }
            List<String> cells = new ArrayList<>();
            for (String cell : row.split("&", -1)) {
                cells.add(cell.strip());
            }
            rows.add(cells);
        }
        if (rows.size() == 1) {
            return "(" + String.join(",", rows.getFirst()) + ")";
        }
        if (rows.stream().allMatch(r -> r.size() == 1)) {
            return "(" + String.join(",", rows.stream().map(List::getFirst).toList()) + ")";
        }
        return "(" + String.join(",", rows.stream().map(r -> "(" + String.join(",", r) + ")").toList()) + ")";
    }
}
