package dev.nemotron.text.tokenizer.processor;

/** {@code BertProcessing} / {@code RobertaProcessing} for one sequence: {@code cls} + ids + {@code sep}. */
public final class WrapProcessor implements PostProcessor {
    private final int cls;
    private final int sep;

    public WrapProcessor(int cls, int sep) {
        this.cls = cls;
        this.sep = sep;
    }

    @Override
    public int[] process(int[] ids) {
        int[] out = new int[ids.length + 2];
        out[0] = cls;
        System.arraycopy(ids, 0, out, 1, ids.length);
        out[out.length - 1] = sep;
        return out;
    }
}
