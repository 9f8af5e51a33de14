package dev.nemotron.arch.layer.mamba;

import dev.nemotron.api.layer.MixerState;

/**
 * One sequence's Mamba-2 state: the last K-1 inputs of the convolution and the SSM state.
 *
 * <pre>
 * convWindow [convDim, K-1]   float32
 * ssm        [H, P, N]        float32
 * </pre>
 */
final class Mamba2State implements MixerState {
    final float[] convWindow;
    final float[] ssm;

    Mamba2State(int convDim, int kernel, int ssmFloats) {
        this(new float[convDim * (kernel - 1)], new float[ssmFloats]);
    }

    private Mamba2State(float[] convWindow, float[] ssm) {
        this.convWindow = convWindow;
        this.ssm = ssm;
    }

    @Override
    public long bytes() {
        return 4L * (convWindow.length + ssm.length);
    }

    @Override
    public Mamba2State copy() {
        return new Mamba2State(convWindow.clone(), ssm.clone());
    }
}
