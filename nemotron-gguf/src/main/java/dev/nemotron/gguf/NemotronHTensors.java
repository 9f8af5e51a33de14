package dev.nemotron.gguf;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tensor names of llama.cpp's {@code nemotron_h} (gguf-py's tensor mapping for
 * NemotronHForCausalLM, as convert_hf_to_gguf.py writes them and llama.cpp's loader reads them),
 * both ways, and the per-tensor transforms of the converter:
 *
 * <pre>
 * backbone.embeddings.weight          [V, D]        token_embd.weight     ne {D, V}
 * backbone.norm_f.weight              [D]           output_norm.weight
 * lm_head.weight                      [V, D]        output.weight         (absent when tied)
 * backbone.layers.i.norm.weight       [D]           blk.i.attn_norm.weight
 * mixer.in_proj.weight                [P, D]        blk.i.ssm_in.weight
 * mixer.conv1d.weight                 [C, 1, K]     blk.i.ssm_conv1d.weight ne {K, C}   (squeezed)
 * mixer.conv1d.bias                   [C]           blk.i.ssm_conv1d.bias
 * mixer.dt_bias                       [H]           blk.i.ssm_dt.bias
 * mixer.A_log                         [H]           blk.i.ssm_a           ne {1, H}     A = -exp(A_log)
 * mixer.D                             [H]           blk.i.ssm_d           ne {1, H}
 * mixer.norm.weight                   [I]           blk.i.ssm_norm.weight ne {I/G, G}   (one row per group)
 * mixer.out_proj.weight               [D, I]        blk.i.ssm_out.weight
 * mixer.{q,k,v}_proj.{weight,bias}                  blk.i.attn_{q,k,v}.{weight,bias}
 * mixer.o_proj.{weight,bias}                        blk.i.attn_output.{weight,bias}
 * mixer.{up,down}_proj.{weight,bias}                blk.i.ffn_{up,down}.{weight,bias}
 * </pre>
 *
 * Every transform but A's only reinterprets the same row-major bytes under another shape.
 */
public final class NemotronHTensors {
    private static final Pattern HF_LAYER = Pattern.compile("backbone\\.layers\\.(\\d+)\\.(.+)");
    private static final Pattern GGUF_LAYER = Pattern.compile("blk\\.(\\d+)\\.(.+)");
    private static final String[][] LAYER = {
        {"norm.weight", "attn_norm.weight"},
        {"mixer.in_proj.weight", "ssm_in.weight"},
        {"mixer.conv1d.weight", "ssm_conv1d.weight"},
        {"mixer.conv1d.bias", "ssm_conv1d.bias"},
        {"mixer.dt_bias", "ssm_dt.bias"},
        {"mixer.A_log", "ssm_a"},
        {"mixer.D", "ssm_d"},
        {"mixer.norm.weight", "ssm_norm.weight"},
        {"mixer.out_proj.weight", "ssm_out.weight"},
        {"mixer.q_proj.weight", "attn_q.weight"},
        {"mixer.k_proj.weight", "attn_k.weight"},
        {"mixer.v_proj.weight", "attn_v.weight"},
        {"mixer.o_proj.weight", "attn_output.weight"},
        {"mixer.q_proj.bias", "attn_q.bias"},
        {"mixer.k_proj.bias", "attn_k.bias"},
        {"mixer.v_proj.bias", "attn_v.bias"},
        {"mixer.o_proj.bias", "attn_output.bias"},
        {"mixer.up_proj.weight", "ffn_up.weight"},
        {"mixer.down_proj.weight", "ffn_down.weight"},
        {"mixer.up_proj.bias", "ffn_up.bias"},
        {"mixer.down_proj.bias", "ffn_down.bias"},
    };
    private static final String[][] GLOBAL = {
        {"backbone.embeddings.weight", "token_embd.weight"},
        {"backbone.norm_f.weight", "output_norm.weight"},
        {"lm_head.weight", "output.weight"},
    };

    private NemotronHTensors() {
    }

    /** The GGUF name of HF tensor {@code hf}, or empty when llama.cpp's nemotron_h has no such tensor. */
    public static Optional<String> toGguf(String hf) {
        for (String[] g : GLOBAL) {
            if (g[0].equals(hf)) {
                return Optional.of(g[1]);
            }
        }
        Matcher m = HF_LAYER.matcher(hf);
        if (m.matches()) {
            for (String[] l : LAYER) {
                if (l[0].equals(m.group(2))) {
                    return Optional.of("blk." + m.group(1) + "." + l[1]);
                }
            }
        }
        return Optional.empty();
    }

    /** The HF name of GGUF tensor {@code gguf}, or empty for a name this architecture does not have. */
    public static Optional<String> toHf(String gguf) {
        for (String[] g : GLOBAL) {
            if (g[1].equals(gguf)) {
                return Optional.of(g[0]);
            }
        }
        Matcher m = GGUF_LAYER.matcher(gguf);
        if (m.matches() && m.group(1).length() < 6) {
            for (String[] l : LAYER) {
                if (l[1].equals(m.group(2))) {
                    return Optional.of("backbone.layers." + Integer.parseInt(m.group(1)) + "." + l[0]);
                }
            }
        }
        return Optional.empty();
    }

    /** Whether the GGUF tensor holds A = -exp(A_log) (the one value transform). */
    public static boolean isA(String ggufName) {
        return ggufName.endsWith(".ssm_a");
    }

    /**
     * The GGUF ne (innermost first) of HF tensor {@code hf} of shape {@code shape}: the reversed
     * shape, after the converter's squeeze (conv1d), unsqueeze (A, D) and grouping (gated norm,
     * {@code groups} rows).
     */
    public static long[] ggufNe(String hf, long[] shape, int groups) {
        long[] s = shape;
        if (hf.endsWith("mixer.conv1d.weight")) {
            s = new long[] {shape[0], shape[shape.length - 1]};
        } else if (hf.endsWith("mixer.A_log") || hf.endsWith("mixer.D")) {
            s = new long[] {shape[0], 1};
        } else if (hf.endsWith("mixer.norm.weight")) {
            s = new long[] {groups, shape[0] / groups};
        }
        long[] ne = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            ne[i] = s[s.length - 1 - i];
        }
        return ne;
    }

    /** The HF shape of GGUF tensor {@code gguf} with ne {@code ne}: the inverse of {@link #ggufNe}. */
    public static long[] hfShape(String gguf, long[] ne) {
        long n = 1;
        for (long d : ne) {
            n *= d;
        }
        if (gguf.endsWith(".ssm_conv1d.weight") && ne.length == 2) {
            return new long[] {ne[1], 1, ne[0]};
        }
        if (gguf.endsWith(".ssm_a") || gguf.endsWith(".ssm_d") || gguf.endsWith(".ssm_norm.weight")) {
            return new long[] {n};
        }
        long[] s = new long[ne.length];
        for (int i = 0; i < ne.length; i++) {
            s[i] = ne[ne.length - 1 - i];
        }
        return s;
    }

    /**
     * The element type the converter gives this tensor when asked for {@code wanted}: F32 for 1-D
     * tensors, norms, the conv kernel and names not ending in {@code .weight}; F16 when Q8_0 does
     * not divide the rows into blocks of 32; else {@code wanted}.
     */
    public static GgmlType typeFor(String ggufName, long[] ne, GgmlType wanted) {
        if (ne.length <= 1 || ggufName.endsWith("_norm.weight") || ggufName.contains(".ssm_conv1d.")
                || !ggufName.endsWith(".weight")) {
            return GgmlType.F32;
        }
        if (wanted == GgmlType.Q8_0 && ne[0] % 32 != 0) {
            return GgmlType.F16;
        }
        return wanted;
    }
}
