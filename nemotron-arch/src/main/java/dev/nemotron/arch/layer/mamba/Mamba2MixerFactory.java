package dev.nemotron.arch.layer.mamba;

import dev.nemotron.api.backend.Kernels;
import dev.nemotron.api.layer.CacheFootprint;
import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.api.layer.Mixer;
import dev.nemotron.api.layer.MixerFactory;
import dev.nemotron.api.layer.ParameterSpec;
import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The Mamba-2 mixer, pattern symbol {@code M}. */
public final class Mamba2MixerFactory implements MixerFactory {
    private static final String IN = "mamba_num_heads*mamba_head_dim, n_groups, ssm_state_size, hidden_size";

    @Override
    public char symbol() {
        return 'M';
    }

    @Override
    public Set<String> blockTypeNames() {
        return Set.of("mamba", "linear_attention");
    }

    @Override
    public String displayName() {
        return "Mamba-2";
    }

    @Override
    public void validate(LayerContext layer) {
        Mamba2Dims.of(layer);
    }

    @Override
    public List<ParameterSpec> parameters(LayerContext layer) {
        Mamba2Dims m = Mamba2Dims.of(layer);
        List<ParameterSpec> p = new ArrayList<>();
        p.add(new ParameterSpec("in_proj.weight", new long[] {m.projSize(), m.hidden()}, IN));
        if (m.projBias()) {
            p.add(new ParameterSpec("in_proj.bias", new long[] {m.projSize()}, IN + ", use_bias"));
        }
        String conv = "mamba_num_heads*mamba_head_dim, n_groups, ssm_state_size, conv_kernel";
        p.add(new ParameterSpec("conv1d.weight", new long[] {m.convDim(), 1, m.convKernel()}, conv));
        if (m.convBias()) {
            p.add(new ParameterSpec("conv1d.bias", new long[] {m.convDim()}, conv + ", use_conv_bias"));
        }
        p.add(new ParameterSpec("dt_bias", new long[] {m.heads()}, "mamba_num_heads"));
        p.add(new ParameterSpec("A_log", new long[] {m.heads()}, "mamba_num_heads"));
        p.add(new ParameterSpec("D", new long[] {m.heads()}, "mamba_num_heads"));
        p.add(new ParameterSpec("norm.weight", new long[] {m.inner()}, "mamba_num_heads*mamba_head_dim"));
        p.add(new ParameterSpec("out_proj.weight", new long[] {m.hidden(), m.inner()},
                "hidden_size, mamba_num_heads*mamba_head_dim"));
        if (m.projBias()) {
            p.add(new ParameterSpec("out_proj.bias", new long[] {m.hidden()}, "hidden_size, use_bias"));
        }
        return p;
    }

    /** SSM state in fp32 (H*P*N per sequence); conv window of K-1 inputs in the model dtype. */
    @Override
    public CacheFootprint cacheFootprint(LayerContext layer, long context, int batch, DType modelDtype) {
        Mamba2Dims m = Mamba2Dims.of(layer);
        long ssm = (long) batch * m.heads() * m.headDim() * m.stateSize() * DType.F32.byteSize();
        long conv = (long) batch * m.convDim() * (m.convKernel() - 1) * modelDtype.byteSize();
        return new CacheFootprint(0, ssm, conv);
    }

    @Override
    public Mixer create(LayerContext layer, WeightSource weights, Kernels kernels) {
        return new Mamba2Mixer(Mamba2Dims.of(layer), weights, kernels, layer.config().normEpsilon());
    }
}
