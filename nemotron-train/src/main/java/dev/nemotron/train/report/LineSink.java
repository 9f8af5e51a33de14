package dev.nemotron.train.report;

/** An {@link Appendable} that hands each completed line to a consumer (a progress bar into a pipeline stage's progress lines). */
public final class LineSink implements Appendable {
    private final java.util.function.Consumer<String> lines;
    private final StringBuilder pending = new StringBuilder();

    public LineSink(java.util.function.Consumer<String> lines) {
        this.lines = lines;
    }

    @Override
    public Appendable append(CharSequence csq) {
        for (int i = 0; i < csq.length(); i++) {
            append(csq.charAt(i));
        }
        return this;
    }

    @Override
    public Appendable append(CharSequence csq, int start, int end) {
        return append(csq.subSequence(start, end));
    }

    @Override
    public Appendable append(char c) {
        if (c == '\n') {
            lines.accept(pending.toString());
            pending.setLength(0);
        } else if (c != '\r') {
            pending.append(c);
        }
        return this;
    }
}
