package dev.nemotron.text.tokenizer.text;

import java.util.List;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a piece of text around delimiters with HF's semantics: the delimiters are the matches of
 * a regex or single characters accepted by a predicate; with {@code invert} the matches are the
 * pieces and the text between them the delimiters; a {@link SplitBehavior} says what becomes of
 * the delimiters. Empty pieces are dropped.
 */
public final class Splitter {
    private final Pattern pattern;
    private final IntPredicate predicate;
    private final SplitBehavior behavior;
    private final boolean invert;

    private Splitter(Pattern pattern, IntPredicate predicate, SplitBehavior behavior, boolean invert) {
        this.pattern = pattern;
        this.predicate = predicate;
        this.behavior = behavior;
        this.invert = invert;
    }

    /** Delimiters are the (non-overlapping, leftmost) matches of {@code pattern}. */
    public static Splitter regex(Pattern pattern, SplitBehavior behavior, boolean invert) {
        return new Splitter(pattern, null, behavior, invert);
    }

    /** Delimiters are single code points accepted by {@code predicate}, each one a match of its own. */
    public static Splitter chars(IntPredicate predicate, SplitBehavior behavior) {
        return new Splitter(null, predicate, behavior, false);
    }

    /** Appends the pieces of {@code s} to {@code out}. */
    public void split(String s, List<String> out) {
        if (s.isEmpty()) {
            return;
        }
        IntList seg = new IntList(); // triples: start, end, isMatch
        if (pattern != null) {
            Matcher m = pattern.matcher(s);
            int prev = 0;
            while (m.find()) {
                if (m.start() != prev) {
                    addSeg(seg, prev, m.start(), false);
                }
                addSeg(seg, m.start(), m.end(), true);
                prev = m.end();
            }
            if (prev != s.length()) {
                addSeg(seg, prev, s.length(), false);
            }
        } else {
            int last = 0;
            for (int i = 0; i < s.length(); ) {
                int cp = s.codePointAt(i);
                int n = Character.charCount(cp);
                if (predicate.test(cp)) {
                    if (last < i) {
                        addSeg(seg, last, i, false);
                    }
                    addSeg(seg, i, i + n, true);
                    last = i + n;
                }
                i += n;
            }
            if (last < s.length()) {
                addSeg(seg, last, s.length(), false);
            }
        }
        emit(s, seg, out);
    }

    private void addSeg(IntList seg, int start, int end, boolean match) {
        seg.add(start);
        seg.add(end);
        seg.add(match != invert ? 1 : 0);
    }

    private void emit(String s, IntList seg, List<String> out) {
        int n = seg.size() / 3;
        switch (behavior) {
            case ISOLATED -> {
                for (int i = 0; i < n; i++) {
                    add(s, seg.get(3 * i), seg.get(3 * i + 1), out);
                }
            }
            case REMOVED -> {
                for (int i = 0; i < n; i++) {
                    if (seg.get(3 * i + 2) == 0) {
                        add(s, seg.get(3 * i), seg.get(3 * i + 1), out);
                    }
                }
            }
            case CONTIGUOUS -> {
                int start = -1;
                int end = 0;
                int prevMatch = 0;
                for (int i = 0; i < n; i++) {
                    int match = seg.get(3 * i + 2);
                    if (start >= 0 && match == prevMatch) {
                        end = seg.get(3 * i + 1);
                    } else {
                        if (start >= 0) {
                            add(s, start, end, out);
                        }
                        start = seg.get(3 * i);
                        end = seg.get(3 * i + 1);
                    }
                    prevMatch = match;
                }
                if (start >= 0) {
                    add(s, start, end, out);
                }
            }
            case MERGED_WITH_PREVIOUS -> {
                int start = -1;
                int end = 0;
                boolean prevMatch = false;
                for (int i = 0; i < n; i++) {
                    boolean match = seg.get(3 * i + 2) == 1;
                    if (match && !prevMatch && start >= 0) {
                        end = seg.get(3 * i + 1);
                    } else {
                        if (start >= 0) {
                            add(s, start, end, out);
                        }
                        start = seg.get(3 * i);
                        end = seg.get(3 * i + 1);
                    }
                    prevMatch = match;
                }
                if (start >= 0) {
                    add(s, start, end, out);
                }
            }
            case MERGED_WITH_NEXT -> {
                // Walk backwards: a delimiter joins the piece after it.
                int[] starts = new int[n];
                int[] ends = new int[n];
                int k = 0;
                boolean prevMatch = false;
                for (int i = n - 1; i >= 0; i--) {
                    boolean match = seg.get(3 * i + 2) == 1;
                    if (match && !prevMatch && k > 0) {
                        starts[k - 1] = seg.get(3 * i);
                    } else {
                        starts[k] = seg.get(3 * i);
                        ends[k] = seg.get(3 * i + 1);
                        k++;
                    }
                    prevMatch = match;
                }
                for (int i = k - 1; i >= 0; i--) {
                    add(s, starts[i], ends[i], out);
                }
            }
        }
    }

    private static void add(String s, int start, int end, List<String> out) {
        if (end > start) {
            out.add(start == 0 && end == s.length() ? s : s.substring(start, end));
        }
    }
}
