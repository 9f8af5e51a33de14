package dev.nemotron.backend.java.reference;

import dev.nemotron.api.backend.ActivationKernels;
import dev.nemotron.api.backend.AttentionKernels;
import dev.nemotron.api.backend.LinearKernels;
import dev.nemotron.api.backend.MambaKernels;
import dev.nemotron.api.backend.NormKernels;
import dev.nemotron.api.backend.SsmShape;
import dev.nemotron.api.tensor.Tensor;
import dev.nemotron.backend.java.attention.AttentionChecks;
import dev.nemotron.backend.java.mamba.ScanChecks;

/**
 * The scalar reference path (llm.c style): every kernel as straightforward single-threaded
 * float32 loops, weights read element by element with {@link Tensor#getFloat}. The fast kernels
 * are tested against this; shapes as in the kernel interfaces.
 */
public final class ReferenceKernels
        implements LinearKernels, NormKernels, MambaKernels, AttentionKernels, ActivationKernels {

    // ---- linear: x [rows,in], W [out,in], b [out] -> out [rows,out]
    @Override
    public void matmul(float[] x, int rows, Tensor weight, Tensor bias, float[] out) {
        int outF = (int) weight.dim(0), in = (int) weight.dim(1);
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < outF; o++) {
                float sum = 0f;
                for (int i = 0; i < in; i++) {
                    sum += x[r * in + i] * weight.getFloat((long) o * in + i);
                }
                out[r * outF + o] = sum + (bias == null ? 0f : bias.getFloat(o));
            }
        }
    }

    // ---- norms: x [rows,dim], weight [dim]
    @Override
    public void rmsNorm(float[] x, int rows, int dim, Tensor weight, float eps, float[] out) {
        for (int r = 0; r < rows; r++) {
            float ss = 0f;
            for (int i = 0; i < dim; i++) {
                ss += x[r * dim + i] * x[r * dim + i];
            }
            float inv = (float) (1.0 / Math.sqrt(ss / dim + eps));
            for (int i = 0; i < dim; i++) {
                out[r * dim + i] = weight.getFloat(i) * (x[r * dim + i] * inv);
            }
        }
    }

    @Override
    public void gatedGroupRmsNorm(float[] y, float[] z, int rows, int dim, int groups, Tensor weight,
                                  float eps, float[] out) {
        int gs = dim / groups;
        float[] t = new float[dim];
        for (int r = 0; r < rows; r++) {
            // 1. t = y * silu(z)
            for (int i = 0; i < dim; i++) {
                t[i] = y[r * dim + i] * silu(z[r * dim + i]);
            }
            // 2. per group: t * rsqrt(mean(t^2) + eps) * weight
            for (int g = 0; g < groups; g++) {
                float ss = 0f;
                for (int i = g * gs; i < (g + 1) * gs; i++) {
                    ss += t[i] * t[i];
                }
                float inv = (float) (1.0 / Math.sqrt(ss / gs + eps));
                for (int i = g * gs; i < (g + 1) * gs; i++) {
                    out[r * dim + i] = weight.getFloat(i) * (t[i] * inv);
                }
            }
        }
    }

    // ---- mamba: conv x [L,C], weight [C,1,K], window [C,K-1]
    @Override
    public void causalConv1d(float[] x, int seqLen, int channels, Tensor weight, Tensor bias,
                             float[] window, float[] out) {
        int k = ScanChecks.conv(x, seqLen, channels, weight, window, out);
        // 1. extended input e [C, K-1+L] = window ++ x (zeros when no window)
        int el = k - 1 + seqLen;
        float[] e = new float[channels * el];
        for (int ch = 0; ch < channels; ch++) {
            for (int j = 0; j < k - 1; j++) {
                e[ch * el + j] = window == null ? 0f : window[ch * (k - 1) + j];
            }
            for (int t = 0; t < seqLen; t++) {
                e[ch * el + k - 1 + t] = x[t * channels + ch];
            }
        }
        // 2. out[t,c] = bias[c] + sum_j w[c,j] * e[c, t+j]
        for (int t = 0; t < seqLen; t++) {
            for (int ch = 0; ch < channels; ch++) {
                float sum = bias == null ? 0f : bias.getFloat(ch);
                for (int j = 0; j < k; j++) {
                    sum += weight.getFloat((long) ch * k + j) * e[ch * el + t + j];
                }
                out[t * channels + ch] = sum;
            }
        }
        // 3. window <- the last K-1 columns of e
        if (window != null) {
            for (int ch = 0; ch < channels; ch++) {
                for (int j = 0; j < k - 1; j++) {
                    window[ch * (k - 1) + j] = e[ch * el + seqLen + j];
                }
            }
        }
    }

    @Override
    public void chunkedScan(SsmShape shape, int seqLen, int chunkSize, float[] x, float[] dt,
                            float[] a, float[] b, float[] c, float[] d, float[] state, float[] y) {
        ScanChecks.scan(shape, seqLen, x, dt, a, b, c, d, state, y);
        ScanChecks.chunkSize(chunkSize);
        if (seqLen > 0) {
            ReferenceSsd.scan(shape, seqLen, chunkSize, x, dt, a, b, c, d, state, y);
        }
    }

    @Override
    public void recurrentScan(SsmShape s, int seqLen, float[] x, float[] dt, float[] a, float[] b,
                              float[] c, float[] d, float[] state, float[] y) {
        ScanChecks.scan(s, seqLen, x, dt, a, b, c, d, state, y);
        ReferenceSsd.recurrence(s, seqLen, x, dt, a, b, c, d, state, y);
    }

    // ---- attention: q [Lq,Hq,hd], k/v [Lk,Hkv,hd]
    @Override
    public void causalAttention(int queries, int keys, int qHeads, int kvHeads, int headDim,
                                float scale, float[] q, float[] k, float[] v, float[] out) {
        AttentionChecks.check(queries, keys, qHeads, kvHeads, headDim, q, k, v, out);
        float[] p = new float[keys];
        for (int h = 0; h < qHeads; h++) {
            int kvh = h / (qHeads / kvHeads);
            for (int i = 0; i < queries; i++) {
                int pos = keys - queries + i;
                // 1. scores and their max
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j <= pos; j++) {
                    float s = 0f;
                    for (int e = 0; e < headDim; e++) {
                        s += q[(i * qHeads + h) * headDim + e] * k[(j * kvHeads + kvh) * headDim + e];
                    }
                    p[j] = s * scale;
                    max = Math.max(max, p[j]);
                }
                // 2. softmax
                float sum = 0f;
                for (int j = 0; j <= pos; j++) {
                    p[j] = (float) Math.exp(p[j] - max);
                    sum += p[j];
                }
                // 3. weighted sum of values
                for (int e = 0; e < headDim; e++) {
                    float acc = 0f;
                    for (int j = 0; j <= pos; j++) {
                        acc += p[j] * v[(j * kvHeads + kvh) * headDim + e];
                    }
                    out[(i * qHeads + h) * headDim + e] = acc / sum;
                }
            }
        }
    }

    // ---- activations
    @Override
    public void silu(float[] x, int n) {
        for (int i = 0; i < n; i++) {
            x[i] = silu(x[i]);
        }
    }

    @Override
    public void relu2(float[] x, int n) {
        for (int i = 0; i < n; i++) {
            float r = Math.max(x[i], 0f);
            x[i] = r * r;
        }
    }

    @Override
    public void softplus(float[] x, int n) {
        for (int i = 0; i < n; i++) {
            x[i] = x[i] > 20f ? x[i] : (float) Math.log1p(Math.exp(x[i]));
        }
    }

    private static float silu(float v) {
        return (float) (v / (1.0 + Math.exp(-v)));
    }
}
