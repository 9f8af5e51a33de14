package dev.nemotron.eval.math;

import java.util.ArrayList;
import java.util.List;

/**
 * The table of answer pairs {@link MathVerifierTableTest} checks. One pair a line:
 * {@code MARK gold ;; prediction}, where MARK is {@code =} (equivalent both ways), {@code >}
 * (equivalent as gold → prediction only) or {@code !} (not equivalent, either way). Lines
 * starting with {@code #} are comments.
 */
final class EquivalenceTable {
    /** One line of the table. */
    record Row(char mark, String gold, String prediction) {
        @Override
        public String toString() {
            return mark + " [" + gold + "] vs [" + prediction + "]";
        }
    }

    private static final String TABLE = """
            # the issue's examples
            = 7425000 ;; 7,425,000
            = $1/3$ ;; $\\frac13$
            = $\\sqrt{3}$ ;; $\\sqrt3$
            = $28\\%$ ;; 28 percent
            ! 2 ;; AZYUK2A
            ! $4$ ;; $4\\sqrt{2}$
            # integers and signs
            = 5 ;; 5
            = 5 ;; 5.0
            = 5 ;; 05
            = -3 ;; (-3)
            = -3 ;; \u2212 3
            ! -3 ;; 3
            = 0 ;; -0
            = 0 ;; 0.0
            ! 0 ;; 0.0001
            = 100 ;; 100.
            = 12 ;; 12.00
            = 42 ;; +42
            ! 42 ;; 24
            ! 1000000 ;; 1000001
            = 2^{3} ;; 8
            = (-2)^2 ;; 4
            = -2^2 ;; -4
            ! -2^2 ;; 4
            # thousands separators
            = 1000 ;; 1,000
            = 7425000 ;; 7\\,425\\,000
            = 7425000 ;; 7{,}425{,}000
            = 7425000 ;; 7 425 000
            = 1234567.5 ;; 1,234,567.5
            = -1000 ;; -1,000
            = 1000 ;; \\$1,000
            ! 1000 ;; (1,000)
            ! 12 ;; 1,2
            # fractions and decimals
            = \\frac{1}{2} ;; 0.5
            = \\frac12 ;; 1/2
            = \\dfrac{1}{2} ;; \\tfrac{1}{2}
            = \\frac{2}{4} ;; \\frac{1}{2}
            = \\frac{3}{4} ;; 0.75
            = .5 ;; 1/2
            = 0.1 ;; \\frac{1}{10}
            = \\frac{1}{8} ;; 0.125
            = 1/3 ;; 2/6
            = \\frac{1}{3} ;; 0.3333333
            ! \\frac{1}{3} ;; 0.333
            ! \\frac{1}{3} ;; 0.33
            = -\\frac{1}{2} ;; \\frac{-1}{2}
            = -\\frac{1}{2} ;; \\frac{1}{-2}
            = -0.75 ;; -\\frac34
            ! \\frac{1}{2} ;; -\\frac{1}{2}
            = 2.50 ;; 2.5
            ! 2.5 ;; 25
            = \\frac{22}{7} ;; 22/7
            ! \\frac{22}{7} ;; \\pi
            = \\frac{a}{b} ;; a/b
            = \\frac{1}{2}x ;; \\frac{x}{2}
            = \\frac{x}{2} ;; 0.5x
            # mixed numbers: an integer then a proper fraction
            = \\frac{10}{3} ;; 3\\frac{1}{3}
            = \\frac{7}{2} ;; 3 1/2
            = -\\frac{7}{2} ;; -3\\frac12
            = 2\\frac{1}{2} ;; 2.5
            ! 2\\frac{1}{2} ;; 1
            = 2\\frac{3}{2} ;; 3
            = \\frac123 ;; \\frac{3}{2}
            # scientific notation
            = 1000 ;; 1e3
            = 1000 ;; 10^3
            = 0.001 ;; 1e-3
            = 2.5\\times10^{-3} ;; 0.0025
            = 3\\cdot10^{4} ;; 30000
            = 6.02\\times 10^{23} ;; 6.02e23
            ! 1e3 ;; 1e4
            ! 1e3 ;; 1e-3
            # roots
            = \\sqrt{8} ;; 2\\sqrt{2}
            = \\frac{\\sqrt3}{3} ;; \\frac{1}{\\sqrt3}
            = \\frac{\\sqrt{2}}{2} ;; \\frac{1}{\\sqrt{2}}
            = \\sqrt{12} ;; 2\\sqrt{3}
            = \\sqrt{\\frac{1}{4}} ;; \\frac12
            = 3\\sqrt{2} ;; \\sqrt{18}
            = 5\\sqrt{5} ;; \\sqrt{125}
            = \\frac{5}{\\sqrt{5}} ;; \\sqrt5
            = \\sqrt[3]{8} ;; 2
            = \\sqrt[3]{-27} ;; -3
            = 2+\\sqrt{3} ;; \\sqrt3+2
            = \\sqrt{2}+\\sqrt{3} ;; \\sqrt{5+2\\sqrt{6}}
            = \\frac{\\sqrt{3}}{2} ;; \\frac{1}{2}\\sqrt{3}
            = 8^{1/2} ;; 2\\sqrt2
            = 2^{-1} ;; \\frac12
            = \\sqrt{4} ;; 2
            = 1.41421356 ;; \\sqrt{2}
            = \u221a3 ;; \\sqrt{3}
            ! 1.41 ;; \\sqrt2
            ! \\sqrt{2} ;; 2
            ! \\sqrt{3} ;; \\sqrt{2}
            ! 2\\sqrt{2} ;; 2\\sqrt{3}
            ! \\sqrt{2}+\\sqrt{3} ;; \\sqrt{5}
            # pi and e
            = 2\\pi ;; \\pi+\\pi
            = \\frac{\\pi}{2} ;; 0.5\\pi
            = \\frac{3\\pi}{4} ;; \\frac{3}{4}\\pi
            = 4\\pi ;; 4\u03c0
            = \\pi r^2 ;; r^2\\pi
            = 3.14159265 ;; \\pi
            ! 3.14 ;; \\pi
            ! \\pi ;; 3
            = e^2 ;; e\\cdot e
            = \\ln(e^2) ;; 2
            = \\log_2 8 ;; 3
            = 2^{10} ;; 1024
            # percentages: 28% matches 28 and (one side only a percentage) 0.28
            = 28\\% ;; 28
            = 28\\% ;; 0.28
            = 50\\% ;; \\frac{1}{2}
            = 12.5\\% ;; 12.5 percent
            = 10\\% ;; 10 \\%
            = 28 percent ;; 28%
            ! 28\\% ;; 0.29
            ! 28 ;; 0.28
            # units and currency
            = 5 ;; 5 cm
            = 5 ;; 5\\text{ cm}
            = 5 ;; 5 \\mbox{cm}
            = 5 ;; 5\\text{ m}
            = 12 ;; \\$12
            = 12 ;; 12 dollars
            = 18.90 ;; \\$18.90
            = \\$5.00 ;; 5
            = 90 ;; 90^\\circ
            = 90 ;; 90^{\\circ}
            = 90 ;; 90\u00b0
            = 30 ;; 30 degrees
            = 25 ;; 25\\text{ square units}
            = 16 ;; 16 \\text{cm}^2
            = 3 ;; 3 hours
            = 60 ;; 60 miles per hour
            ! 5 ;; 5m
            = 18 ;; 18 students
            = 18 ;; 18 \\text{ students}
            = 5 ;; \\text{5 apples}
            = \\frac{1}{2}bh ;; \\frac{1}{2} bh
            ! \\frac{1}{2} ;; \\frac{1}{2} bh
            # text answers
            = \\text{Monday} ;; Monday
            = \\text{Monday} ;; monday
            = \\text{yes} ;; Yes
            ! \\text{Monday} ;; Tuesday
            # delimiters and spacing
            = 5 ;; $5$
            = 5 ;; \\(5\\)
            = 5 ;; \\[5\\]
            = 5 ;; $$5$$
            = \\frac{1}{2} ;; \\left(\\frac{1}{2}\\right)
            = \\frac{1}{2} ;; \\displaystyle\\frac{1}{2}
            = x+1 ;; x + 1
            = 2x ;; 2 \\cdot x
            = 2x ;; 2\\times x
            = 6 ;; 2\\times3
            = 2 ;; 6\\div3
            = 10 ;; \\!10
            # multiple choice
            = A ;; \\text{(A)}
            = (B) ;; B
            = \\textbf{(C)} ;; C
            = C ;; (C) 12
            ! A ;; B
            ! \\text{(A)} ;; \\text{(D)}
            # equations: against a value, the last side counts
            = 3 ;; x=3
            = x=3 ;; x = 3
            = y=2x+1 ;; y=1+2x
            = 2x+1 ;; y=2x+1
            = y = 2x + 3 ;; y - 2x = 3
            = x = 3 ;; 3 = x
            = f(x) = 2x ;; 2x
            ! x=3 ;; x=4
            ! y = 2x + 3 ;; y = 3x + 2
            ! x=3 ;; 4
            # expressions with variables
            = x^2+2x+1 ;; (x+1)^2
            = x^2-1 ;; (x-1)(x+1)
            = \\frac{x^2-1}{x-1} ;; x+1
            = 2(x+y) ;; 2x+2y
            = xy ;; yx
            = \\frac{1}{x}+\\frac{1}{y} ;; \\frac{x+y}{xy}
            = \\sqrt{x^2} ;; |x|
            = x^3 ;; x\\cdot x^2
            = a^2-b^2 ;; (a-b)(a+b)
            = \\sin^2 x + \\cos^2 x ;; 1
            = \\operatorname{sin} x ;; \\sin x
            = \\frac{1}{2}(a+b) ;; \\frac{a+b}{2}
            = \\frac{\\alpha}{2} ;; 0.5\\alpha
            = x_1+x_2 ;; x_2+x_1
            = x^23 ;; 3x^2
            = |-3| ;; 3
            ! \\sqrt{x^2} ;; x
            ! x^2+2x+1 ;; (x-1)^2
            ! x+1 ;; x+2
            ! x ;; y
            ! x_1 ;; x_2
            ! x^23 ;; x^{23}
            ! 0.333x ;; \\frac{x}{3}
            # plus-minus
            = 1\\pm\\sqrt{2} ;; 1+\\sqrt2, 1-\\sqrt2
            = 1\\pm\\sqrt{2} ;; 1-\\sqrt{2}, 1+\\sqrt{2}
            = \\pm 2 ;; 2, -2
            = \\{-1, 1\\} ;; \\pm 1
            = \\frac{-b\\pm\\sqrt{b^2-4ac}}{2a} ;; \\frac{-b\\mp\\sqrt{b^2-4ac}}{2a}
            ! \\pm 2 ;; 2
            # tuples: order matters
            = (1,2) ;; (1, 2)
            = (1,2) ;; 1,2
            = (\\frac12, 3) ;; (0.5, 3)
            = (3, -1) ;; \\left( 3, -1 \\right)
            = \\langle 1,2\\rangle ;; (1,2)
            ! (1,2) ;; (2,1)
            ! (1,2,3) ;; (1,2)
            # sets and lists: order does not matter
            = \\{1,2\\} ;; \\{2,1\\}
            = \\{1,2\\} ;; 1,2
            = 1,2 ;; 2,1
            = \\{1,2,3\\} ;; \\{3,1,2\\}
            = \\{3\\} ;; 3
            = x=1, x=2 ;; 2, 1
            = \\emptyset ;; \\{\\}
            = x = 1 \\text{ or } x = 2 ;; \\{1, 2\\}
            = 3 \\text{ and } 4 ;; 4, 3
            ! \\{1,2\\} ;; \\{1,3\\}
            ! \\{1,2\\} ;; (1,2)
            ! \\{1,2\\} ;; \\{1,2,3\\}
            ! \\{1,1,2\\} ;; \\{1,2\\}
            # matrices are tuples
            = \\begin{pmatrix}1\\\\2\\end{pmatrix} ;; \\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}
            = \\begin{pmatrix}1\\\\2\\end{pmatrix} ;; (1, 2)
            = \\begin{bmatrix}1 & 2\\\\3 & 4\\end{bmatrix} ;; \\begin{pmatrix}1&2\\\\3&\\frac{8}{2}\\end{pmatrix}
            ! \\begin{pmatrix}1\\\\2\\end{pmatrix} ;; \\begin{pmatrix}2\\\\1\\end{pmatrix}
            # intervals and inequalities
            = (1,2] ;; (1, 2]
            = [0,\\infty) ;; [0, \\infty)
            = [-2,7] ;; \\left[-2, 7\\right]
            = (-\\infty, 3) ;; x<3
            = x \\ge 2 ;; [2,\\infty)
            = x>2 ;; 2<x
            = 1<x\\le3 ;; (1,3]
            = x \\in [1,2] ;; [1,2]
            = (-\\infty,1)\\cup(2,\\infty) ;; (2,\\infty)\\cup(-\\infty,1)
            ! (1,2] ;; [1,2]
            ! (1,2] ;; (1,2)
            ! (-\\infty,1)\\cup(2,\\infty) ;; (-\\infty,1)\\cup(3,\\infty)
            ! x>2 ;; x\\ge 2
            # infinity
            = \\infty ;; \\infty
            = -\\infty ;; -\\infty
            = \\infty ;; \u221e
            = -\\infty ;; -oo
            ! \\infty ;; -\\infty
            ! \\infty ;; 1000000
            # where the answer is taken from
            = 72 ;; #### 72
            = She sold 24 clips. #### 72 ;; 72
            = \\boxed{\\frac{1}{2}} ;; 0.5
            = The final answer is $\\boxed{5}$ ;; 5
            = 42 ;; \\boxed{42}
            = 42 ;; \\fbox{42}
            > 5 ;; <think>maybe 4</think>5
            ! 5 ;; <think>it is 5
            # empty and garbage: not equivalent, never an exception
            ! 5 ;;
            ! 5 ;; hello
            ! 5 ;; \\frac{
            ! 5 ;; }}}{{{
            ! 5 ;; \\sqrt
            ! x+1 ;; x+
            ! 0 ;; 1/0
            ! 5 ;; NaN
            ! 2 ;; 2 2
            ! 12 ;; 1 2
            ! 5 ;; $$
            ! 5 ;; \\boxed{}
            """;

    private EquivalenceTable() {
    }

    /** The rows of the table. */
    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (String line : TABLE.lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int sep = line.indexOf(";;");
            if (sep < 0) {
                throw new IllegalStateException("no ';;' in table line: " + line);
            }
            rows.add(new Row(line.charAt(0), line.substring(1, sep).strip(), line.substring(sep + 2).strip()));
        }
        return rows;
    }
}
