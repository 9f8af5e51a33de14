package dev.nemotron.arch.layer.mamba;

import dev.nemotron.api.backend.Kernels;
import dev.nemotron.api.layer.CacheFootprint;
import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.api.layer.LayerResize;
import dev.nemotron.api.layer.Mixer;
import dev.nemotron.api.layer.MixerFactory;
import dev.nemotron.api.layer.ParameterSpec;
import dev.nemotron.api.layer.ResizedLayer;
import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.layer.dims.Mamba2Dims;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.arch.config.ConfigException;
import dev.nemotron.arch.layer.ConfigChecks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The Mamba-2 mixer, pattern symbol {@code M}; the one reader of its config fields. */
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

    /**
     * {@code hidden_size, mamba_num_heads, mamba_head_dim, n_groups, ssm_state_size, conv_kernel},
     * {@code chunk_size} (default {@link Mamba2Dims#DEFAULT_CHUNK_SIZE}), {@code use_bias} (false),
     * {@code use_conv_bias} (true), {@code time_step_limit} (default {@code [0, Infinity]}: no clamp),
     * {@code mamba_hidden_act} (silu).
     */
    @Override
    public Mamba2Dims dims(LayerContext layer) {
        int hidden = ConfigChecks.positive(layer, "hidden_size");
        int heads = ConfigChecks.positive(layer, "mamba_num_heads");
        int headDim = ConfigChecks.positive(layer, "mamba_head_dim");
        int groups = ConfigChecks.positive(layer, "n_groups");
        int state = ConfigChecks.positive(layer, "ssm_state_size");
        int kernel = ConfigChecks.positive(layer, "conv_kernel");
        int chunk = ConfigChecks.positiveOr(layer, "chunk_size", Mamba2Dims.DEFAULT_CHUNK_SIZE);
        ConfigChecks.divisible(layer, "mamba_num_heads", heads, "n_groups", groups);
        String act = layer.config().getString("mamba_hidden_act").orElse("silu");
        if (!act.equals("silu") && !act.equals("swish")) {
            throw new ConfigException(layer.config().source() + ": field 'mamba_hidden_act' = \"" + act
                    + "\" is not supported (Mamba-2 layers use \"silu\")");
        }
        double[] limit = layer.config().getDoubles("time_step_limit").orElse(new double[] {0.0, Double.POSITIVE_INFINITY});
        if (limit.length != 2 || !(limit[0] <= limit[1]) || limit[0] < 0) {
            throw new ConfigException(layer.config().source()
                    + ": field 'time_step_limit' must be [min, max] with 0 <= min <= max");
        }
        return new Mamba2Dims(hidden, heads, headDim, groups, state, kernel, chunk,
                layer.config().getBoolean("use_bias", false), layer.config().getBoolean("use_conv_bias", true),
                limit[0], limit[1]);
    }

    @Override
    public List<ParameterSpec> parameters(LayerContext layer) {
        return parameters(dims(layer));
    }

    static List<ParameterSpec> parameters(Mamba2Dims m) {
        List<ParameterSpec> p = new ArrayList<>();
        p.add(ParameterSpec.linear("in_proj.weight", m.projSize(), m.hidden(), IN));
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
        p.add(ParameterSpec.linear("out_proj.weight", m.hidden(), m.inner(),
                "hidden_size, mamba_num_heads*mamba_head_dim"));
        if (m.projBias()) {
            p.add(new ParameterSpec("out_proj.bias", new long[] {m.hidden()}, "hidden_size, use_bias"));
        }
        return p;
    }

    /** SSM state in fp32 (H*P*N per sequence); conv window of K-1 inputs in the model dtype. */
    @Override
    public CacheFootprint cacheFootprint(LayerContext layer, long context, int batch, DType modelDtype) {
        Mamba2Dims m = dims(layer);
        long ssm = (long) batch * m.heads() * m.headDim() * m.stateSize() * DType.F32.byteSize();
        long conv = (long) batch * m.convDim() * (m.convKernel() - 1) * modelDtype.byteSize();
        return new CacheFootprint(0, ssm, conv);
    }

    @Override
    public Mixer create(LayerContext layer, WeightSource weights, Kernels kernels) {
        return new Mamba2Mixer(dims(layer), weights, kernels, layer.config().normEpsilon());
    }

    /**
     * Units are heads, kept group-aware: the same number in every group (Minitron), so B and C stay
     * per group; {@code in_proj} (z, x, dt rows), the conv's x channels, {@code A_log}, {@code D},
     * {@code dt_bias}, the gated norm and {@code out_proj}'s columns follow the kept heads.
     */
    @Override
    public ResizedLayer resize(LayerContext layer, LayerResize keep) {
        return Mamba2Resize.resize(layer, dims(layer), keep);
    }

    /** The config fields of {@code m}, as {@link #dims} reads them. */
    static Map<String, Object> configFields(Mamba2Dims m) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("hidden_size", m.hidden());
        f.put("mamba_num_heads", m.heads());
        f.put("mamba_head_dim", m.headDim());
        f.put("n_groups", m.groups());
        f.put("ssm_state_size", m.stateSize());
        f.put("conv_kernel", m.convKernel());
        f.put("chunk_size", m.chunkSize());
        f.put("use_bias", m.projBias());
        f.put("use_conv_bias", m.convBias());
        f.put("time_step_limit", List.of(m.dtMin(), m.dtMax()));
        return f;
    }

}
