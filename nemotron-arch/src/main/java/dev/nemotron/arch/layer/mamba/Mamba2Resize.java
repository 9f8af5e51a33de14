package dev.nemotron.arch.layer.mamba;

import static dev.nemotron.arch.layer.ResizeIndices.channels;
import static dev.nemotron.arch.layer.ResizeIndices.concat;
import static dev.nemotron.arch.layer.ResizeIndices.range;

import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.api.layer.LayerResize;
import dev.nemotron.api.layer.ParameterSlice;
import dev.nemotron.api.layer.ParameterSpec;
import dev.nemotron.api.layer.ResizedLayer;
import dev.nemotron.api.layer.dims.Mamba2Dims;
import dev.nemotron.arch.layer.ResizeIndices;
import java.util.ArrayList;
import java.util.List;

/**
 * A Mamba-2 layer with fewer heads (the same number kept in every group) and/or fewer hidden
 * channels.
 *
 * <pre>
 * in_proj rows   z [D] | x [D] | B [GN] | C [GN] | dt [H]   keep z, x and dt of the kept heads; all of B, C
 * conv channels  x [D] | B [GN] | C [GN]                     keep x of the kept heads; all of B, C
 * dt_bias, A_log, D [H]; norm.weight [D]; out_proj columns [D]   the kept heads
 * in_proj columns, out_proj rows and bias [d]                    the kept hidden channels
 * </pre>
 */
final class Mamba2Resize {
    private Mamba2Resize() {
    }

    static ResizedLayer resize(LayerContext layer, Mamba2Dims m, LayerResize keep) {
        int[] hidden = LayerResize.orAll(keep.hiddenKept(), m.hidden(), "hidden channel");
        int[] heads = LayerResize.orAll(keep.unitsKept(), m.heads(), "Mamba-2 head");
        ResizeIndices.evenPerBlock(layer, heads, m.groups(), m.headsPerGroup(), "Mamba-2 heads", "groups (n_groups)");
        Mamba2Dims n = new Mamba2Dims(hidden.length, heads.length, m.headDim(), m.groups(), m.stateSize(),
                m.convKernel(), m.chunkSize(), m.projBias(), m.convBias(), m.dtMin(), m.dtMax());
        int d = m.inner();
        int gn2 = 2 * m.groups() * m.stateSize();
        int[] inner = channels(heads, m.headDim(), 0);
        int[] conv = concat(channels(heads, m.headDim(), 0), range(d, d + gn2));
        int[] proj = concat(inner, channels(heads, m.headDim(), d), range(2 * d, 2 * d + gn2),
                channels(heads, 1, d + m.convDim()));
        List<ParameterSlice> slices = new ArrayList<>();
        for (ParameterSpec p : Mamba2MixerFactory.parameters(m)) {
            long[] s = p.shape();
            slices.add(switch (p.name()) {
                case "in_proj.weight" -> new ParameterSlice(p.name(), s, new int[][] {proj, hidden});
                case "in_proj.bias" -> new ParameterSlice(p.name(), s, new int[][] {proj});
                case "conv1d.weight", "conv1d.bias" -> ParameterSlice.along(p.name(), s, 0, conv);
                case "dt_bias", "A_log", "D" -> new ParameterSlice(p.name(), s, new int[][] {heads});
                case "norm.weight" -> new ParameterSlice(p.name(), s, new int[][] {inner});
                case "out_proj.weight" -> new ParameterSlice(p.name(), s, new int[][] {hidden, inner});
                case "out_proj.bias" -> new ParameterSlice(p.name(), s, new int[][] {hidden});
                default -> throw new IllegalStateException("no resize rule for " + p.name());
            });
        }
        return new ResizedLayer(n, Mamba2MixerFactory.configFields(n), slices);
    }
}
