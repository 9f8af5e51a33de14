package dev.nemotron.train.autodiff;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.layer.train.Segments;
import dev.nemotron.train.autodiff.core.Gradients;
import dev.nemotron.train.autodiff.norm.RmsNorm;
import java.util.List;

/**
 * The result of one {@link TrainableModel#forward}: logits [L, V], the hidden states when asked
 * for, and (with {@link ForwardOptions#training()}) the activations its backward pass needs.
 *
 * <pre>
 * pass = model.forward(tokens, ForwardOptions.training())
 * dLogits = d loss / d pass.logits()             any loss: cross-entropy, KL, DPO, GRPO, ...
 * pass.backward(dLogits, grads)                  adds d loss / d every parameter to grads
 * </pre>
 *
 * The backward pass reads the parameters as they are then: run it before an optimizer step
 * changes them. It runs at most once per pass (sum the gradients of several losses into one
 * {@code dLogits} first).
 */
public final class ForwardPass {
    private final TrainableModel model;
    final int[] tokens;
    final Segments segments;
    final RmsNorm.Saved[] normSaved;
    final Object[] mixerSaved;
    private final boolean saved;
    private final int vocab;
    RmsNorm.Saved normFSaved;
    double[] finalNormed;
    double[] logits;
    List<double[]> hidden;
    private boolean backwardDone;

    ForwardPass(TrainableModel model, int[] tokens, Segments segments, boolean keep, int layers, int vocab) {
        this.model = model;
        this.tokens = tokens.clone();
        this.segments = segments;
        this.saved = keep;
        this.normSaved = new RmsNorm.Saved[keep ? layers : 0];
        this.mixerSaved = new Object[keep ? layers : 0];
        this.vocab = vocab;
    }

    /** Positions L (the number of tokens). */
    public int rows() {
        return tokens.length;
    }

    /** The vocabulary size V. */
    public int vocab() {
        return vocab;
    }

    /** The samples of the row, kept apart in every layer ({@link Segments#single} for an unpacked row). */
    public Segments segments() {
        return segments;
    }

    /** The input tokens (a copy). */
    public int[] tokens() {
        return tokens.clone();
    }

    /** Logits [L, V], row-major (the pass's own array: do not change it before {@link #backward}). */
    public double[] logits() {
        return logits;
    }

    /**
     * The hidden states ([L, d] each, layers + 1), as {@link ForwardOptions#hiddenStates()} says.
     *
     * @throws NemotronException when the pass was run without them
     */
    public List<double[]> hiddenStates() {
        if (hidden == null) {
            throw new NemotronException("this forward pass kept no hidden states: run it with "
                    + "ForwardOptions.withHiddenStates()");
        }
        return List.copyOf(hidden);
    }

    /** Whether {@link #backward} can run (the pass kept its activations and has not run it yet). */
    public boolean canBackward() {
        return saved && !backwardDone;
    }

    /**
     * Backpropagates {@code dLogits} = d loss / d logits [L, V] through the model, <em>adding</em>
     * the gradient with respect to every parameter to {@code grads}.
     *
     * @throws NemotronException when the pass kept no activations, ran backward already, or
     *     {@code dLogits} has the wrong size
     */
    public void backward(double[] dLogits, Gradients grads) {
        if (!saved) {
            throw new NemotronException("this forward pass kept no activations for backward: run it with "
                    + "ForwardOptions.training()");
        }
        if (backwardDone) {
            throw new NemotronException("backward already ran for this forward pass: add the gradients of "
                    + "several losses into one dLogits and call backward once");
        }
        if (dLogits.length != (long) tokens.length * vocab) {
            throw new NemotronException("dLogits has " + dLogits.length + " values, the logits have "
                    + tokens.length + " x " + vocab);
        }
        backwardDone = true;
        model.backward(this, dLogits, grads);
    }
}
