// Training kernels (declared in train_kernels.h): the forward pieces the trainer keeps for
// backward and the backward of embedding, gate, attention layout and softmax, relu^2,
// cross-entropy. Simple one-thread-per-element or one-block-per-row kernels. The backward
// kernels that sum over rows (RMSNorm, dt, conv1d, biases) are in train_reduce.cu.
#include "train_kernels.h"
#include "device_math.cuh"

namespace nmc::k::train {
namespace {

constexpr int T = 256;

inline int blocks_for(int64_t n) { return (int)((n + T - 1) / T); }

int threads_for(int n) {
    int t = 32;
    while (t < n && t < 512) t <<= 1;
    return t;
}

__device__ __forceinline__ float sigmoidf(float x) { return 1.0f / (1.0f + expf(-x)); }

__global__ void embed_backward_kernel(const int32_t *tokens, int rows, const float *dh, int dim, float *dtable) {
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (int64_t)rows * dim) return;
    int64_t r = i / dim;
    int c = (int)(i % dim);
    atomicAdd(&dtable[(int64_t)tokens[r] * dim + c], dh[i]);
}

// grid (rows, groups)
__global__ void rms_forward_kernel(const float *x, int dim, int gs, const float *w, float eps, float *out,
                                   __nv_bfloat16 *out16, float *rstd) {
    int r = blockIdx.x, g = blockIdx.y;
    const float *xr = x + (int64_t)r * dim + g * gs;
    float ss = 0.0f;
    for (int c = threadIdx.x; c < gs; c += blockDim.x) ss += xr[c] * xr[c];
    float inv = rsqrtf(block_sum(ss) / gs + eps);
    for (int c = threadIdx.x; c < gs; c += blockDim.x) {
        float v = w[g * gs + c] * (xr[c] * inv);
        if (out16) out16[(int64_t)r * dim + g * gs + c] = __float2bfloat16(v);
        else out[(int64_t)r * dim + g * gs + c] = v;
    }
    if (threadIdx.x == 0) rstd[(int64_t)r * gridDim.y + g] = inv;
}

__global__ void gate_forward_kernel(const float *y, const float *z, int z_stride, int rows, int dim, float *t) {
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (int64_t)rows * dim) return;
    int64_t r = i / dim;
    int c = (int)(i % dim);
    t[i] = y[i] * silu(z[r * z_stride + c]);
}

__global__ void gate_backward_kernel(const float *y, const float *z, int z_stride, const float *dt, int rows,
                                     int dim, float *dy, float *dz) {
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (int64_t)rows * dim) return;
    int64_t r = i / dim;
    int c = (int)(i % dim);
    float zv = z[r * z_stride + c];
    float sg = sigmoidf(zv);
    float g = dt[i];
    float yv = y[i];
    dy[i] = g * zv * sg;
    dz[r * z_stride + c] = g * yv * sg * (1.0f + zv * (1.0f - sg));  // silu'(z) = s (1 + z (1 - s))
}

__global__ void dt_forward_kernel(const float *raw, int raw_stride, const float *bias, int rows, int heads, float lo,
                                  float hi, float *dt) {
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (int64_t)rows * heads) return;
    int64_t r = i / heads;
    int h = (int)(i % heads);
    float v = softplus(raw[r * raw_stride + h] + bias[h]);
    dt[i] = fminf(fmaxf(v, lo), hi);
}

__global__ void attn_gather_kernel(const float *qkv, int qkv_stride, int batch, int seq_len, int q_heads, int kv_heads,
                                   int hd, float *qe, float *ke, float *ve) {
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    int64_t n = (int64_t)batch * q_heads * seq_len * hd;
    if (i >= n) return;
    int e = (int)(i % hd);
    int64_t rest = i / hd;
    int t = (int)(rest % seq_len);
    rest /= seq_len;
    int h = (int)(rest % q_heads);
    int b = (int)(rest / q_heads);
    int kvh = h / (q_heads / kv_heads);
    const float *row = qkv + ((int64_t)b * seq_len + t) * qkv_stride;
    qe[i] = row[h * hd + e];
    ke[i] = row[q_heads * hd + kvh * hd + e];
    ve[i] = row[(q_heads + kv_heads) * hd + kvh * hd + e];
}

__global__ void heads_rows_kernel(const float *src, int batch, int seq_len, int q_heads, int hd, float *dst,
                                  bool to_rows) {
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;  // index into [B, H, L, hd]
    int64_t n = (int64_t)batch * q_heads * seq_len * hd;
    if (i >= n) return;
    int e = (int)(i % hd);
    int64_t rest = i / hd;
    int t = (int)(rest % seq_len);
    rest /= seq_len;
    int h = (int)(rest % q_heads);
    int b = (int)(rest / q_heads);
    int64_t j = ((int64_t)b * seq_len + t) * q_heads * hd + h * hd + e;
    if (to_rows) dst[j] = src[i];
    else dst[i] = src[j];
}

// one thread per element of the fused rows [B*L, (Hq + 2 Hkv) hd]
__global__ void attn_scatter_kernel(const float *dqe, const float *dke, const float *dve, int batch, int seq_len,
                                    int q_heads, int kv_heads, int hd, float *dqkv, int qkv_stride) {
    int width = (q_heads + 2 * kv_heads) * hd;
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (int64_t)batch * seq_len * width) return;
    int col = (int)(i % width);
    int64_t row = i / width;
    int t = (int)(row % seq_len);
    int b = (int)(row / seq_len);
    int e = col % hd;
    int head = col / hd;
    auto at = [&](int h) { return (((int64_t)b * q_heads + h) * seq_len + t) * hd + e; };
    float v;
    if (head < q_heads) {
        v = dqe[at(head)];
    } else {
        bool is_k = head < q_heads + kv_heads;
        int kvh = is_k ? head - q_heads : head - q_heads - kv_heads;
        int rep = q_heads / kv_heads;
        const float *src = is_k ? dke : dve;
        v = 0.0f;
        for (int r = 0; r < rep; r++) v += src[at(kvh * rep + r)];
    }
    dqkv[row * qkv_stride + col] = v;
}

// grid: n * L rows of L
__global__ void causal_softmax_kernel(float *s, int seq_len) {
    int64_t row = blockIdx.x;
    int i = (int)(row % seq_len);
    float *x = s + row * seq_len;
    float mx = -INFINITY;
    for (int j = threadIdx.x; j <= i; j += blockDim.x) mx = fmaxf(mx, x[j]);
    mx = block_max(mx);
    float sum = 0.0f;
    for (int j = threadIdx.x; j <= i; j += blockDim.x) sum += expf(x[j] - mx);
    sum = block_sum(sum);
    float inv = 1.0f / sum;
    for (int j = threadIdx.x; j < seq_len; j += blockDim.x) x[j] = j <= i ? expf(x[j] - mx) * inv : 0.0f;
}

__global__ void softmax_backward_kernel(const float *p, float *dp, int seq_len) {
    int64_t row = blockIdx.x;
    int i = (int)(row % seq_len);
    const float *pr = p + row * seq_len;
    float *d = dp + row * seq_len;
    float dot = 0.0f;
    for (int j = threadIdx.x; j <= i; j += blockDim.x) dot += pr[j] * d[j];
    dot = block_sum(dot);
    for (int j = threadIdx.x; j < seq_len; j += blockDim.x) d[j] = j <= i ? pr[j] * (d[j] - dot) : 0.0f;
}

__global__ void relu2_forward_kernel(const float *x, int64_t n, float *out, __nv_bfloat16 *out16) {
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    float r = fmaxf(x[i], 0.0f);
    if (out16) out16[i] = __float2bfloat16(r * r);
    else out[i] = r * r;
}

__global__ void relu2_backward_kernel(const float *x, int64_t n, float *dy) {
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    dy[i] = dy[i] * 2.0f * fmaxf(x[i], 0.0f);
}

__global__ void bias_forward_kernel(float *y, int stride, int rows, int dim, const float *b) {
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (int64_t)rows * dim) return;
    y[(i / dim) * stride + i % dim] += b[i % dim];
}

// grid: rows
__global__ void sum_squares_kernel(const float *x, int64_t n, double *partial) {
    double acc = 0.0;
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
        double v = x[i];
        acc += v * v;
    }
    __shared__ double s[T];
    s[threadIdx.x] = acc;
    __syncthreads();
    for (int o = T / 2; o > 0; o >>= 1) {
        if ((int)threadIdx.x < o) s[threadIdx.x] += s[threadIdx.x + o];
        __syncthreads();
    }
    if (threadIdx.x == 0) partial[blockIdx.x] = s[0];
}

__global__ void scale_kernel(float *x, int64_t n, float s) {
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) x[i] *= s;
}


}  // namespace

#define LAUNCH_CHECK(what) \
    do {                   \
        NMC_LAUNCHED(what); \
        return NMC_OK;     \
    } while (0)

int embed_backward(const int32_t *tokens, int rows, const float *dh, int dim, float *dtable, cudaStream_t stream) {
    int64_t n = (int64_t)rows * dim;
    if (n == 0) return NMC_OK;
    embed_backward_kernel<<<blocks_for(n), T, 0, stream>>>(tokens, rows, dh, dim, dtable);
    LAUNCH_CHECK("embed_backward");
}

int rms_forward(const float *x, int rows, int dim, int groups, const float *w, float eps, float *out, float *rstd,
                cudaStream_t stream, void *out16) {
    if (rows == 0) return NMC_OK;
    if (groups <= 0 || dim % groups != 0) return nmc::fail("rms_forward: dim not divisible by groups");
    int gs = dim / groups;
    rms_forward_kernel<<<dim3(rows, groups), threads_for(gs), 0, stream>>>(x, dim, gs, w, eps, out,
                                                                        static_cast<__nv_bfloat16 *>(out16), rstd);
    LAUNCH_CHECK("rms_forward");
}

int gate_forward(const float *y, const float *z, int z_stride, int rows, int dim, float *t, cudaStream_t stream) {
    int64_t n = (int64_t)rows * dim;
    if (n == 0) return NMC_OK;
    gate_forward_kernel<<<blocks_for(n), T, 0, stream>>>(y, z, z_stride, rows, dim, t);
    LAUNCH_CHECK("gate_forward");
}

int gate_backward(const float *y, const float *z, int z_stride, const float *dt, int rows, int dim, float *dy,
                  float *dz, cudaStream_t stream) {
    int64_t n = (int64_t)rows * dim;
    if (n == 0) return NMC_OK;
    gate_backward_kernel<<<blocks_for(n), T, 0, stream>>>(y, z, z_stride, dt, rows, dim, dy, dz);
    LAUNCH_CHECK("gate_backward");
}

int dt_forward(const float *raw, int raw_stride, const float *bias, int rows, int heads, float lo, float hi, float *dt,
               cudaStream_t stream) {
    int64_t n = (int64_t)rows * heads;
    if (n == 0) return NMC_OK;
    dt_forward_kernel<<<blocks_for(n), T, 0, stream>>>(raw, raw_stride, bias, rows, heads, lo, hi, dt);
    LAUNCH_CHECK("dt_forward");
}

int attn_gather(const float *qkv, int qkv_stride, int batch, int seq_len, int q_heads, int kv_heads, int head_dim,
                float *qe, float *ke, float *ve, cudaStream_t stream) {
    int64_t n = (int64_t)batch * q_heads * seq_len * head_dim;
    attn_gather_kernel<<<blocks_for(n), T, 0, stream>>>(qkv, qkv_stride, batch, seq_len, q_heads, kv_heads, head_dim,
                                                        qe, ke, ve);
    LAUNCH_CHECK("attn_gather");
}

int attn_heads_to_rows(const float *o, int batch, int seq_len, int q_heads, int head_dim, float *out,
                       cudaStream_t stream) {
    int64_t n = (int64_t)batch * q_heads * seq_len * head_dim;
    heads_rows_kernel<<<blocks_for(n), T, 0, stream>>>(o, batch, seq_len, q_heads, head_dim, out, true);
    LAUNCH_CHECK("attn_heads_to_rows");
}

int attn_rows_to_heads(const float *out, int batch, int seq_len, int q_heads, int head_dim, float *o,
                       cudaStream_t stream) {
    int64_t n = (int64_t)batch * q_heads * seq_len * head_dim;
    heads_rows_kernel<<<blocks_for(n), T, 0, stream>>>(out, batch, seq_len, q_heads, head_dim, o, false);
    LAUNCH_CHECK("attn_rows_to_heads");
}

int attn_scatter(const float *dqe, const float *dke, const float *dve, int batch, int seq_len, int q_heads,
                 int kv_heads, int head_dim, float *dqkv, int qkv_stride, cudaStream_t stream) {
    int64_t n = (int64_t)batch * seq_len * (q_heads + 2 * kv_heads) * head_dim;
    attn_scatter_kernel<<<blocks_for(n), T, 0, stream>>>(dqe, dke, dve, batch, seq_len, q_heads, kv_heads, head_dim,
                                                         dqkv, qkv_stride);
    LAUNCH_CHECK("attn_scatter");
}

int causal_softmax(float *s, int n, int seq_len, cudaStream_t stream) {
    int64_t rows = (int64_t)n * seq_len;
    if (rows > 0x7fffffff) return nmc::fail("causal_softmax: too many rows");
    causal_softmax_kernel<<<(unsigned)rows, threads_for(seq_len), 0, stream>>>(s, seq_len);
    LAUNCH_CHECK("causal_softmax");
}

int softmax_backward(const float *p, float *dp, int n, int seq_len, cudaStream_t stream) {
    int64_t rows = (int64_t)n * seq_len;
    softmax_backward_kernel<<<(unsigned)rows, threads_for(seq_len), 0, stream>>>(p, dp, seq_len);
    LAUNCH_CHECK("softmax_backward");
}

int relu2_forward(const float *x, int64_t n, float *out, cudaStream_t stream, void *out16) {
    if (n == 0) return NMC_OK;
    relu2_forward_kernel<<<blocks_for(n), T, 0, stream>>>(x, n, out, static_cast<__nv_bfloat16 *>(out16));
    LAUNCH_CHECK("relu2_forward");
}

int relu2_backward(const float *x, int64_t n, float *dy, cudaStream_t stream) {
    if (n == 0) return NMC_OK;
    relu2_backward_kernel<<<blocks_for(n), T, 0, stream>>>(x, n, dy);
    LAUNCH_CHECK("relu2_backward");
}

int bias_forward(float *y, int stride, int rows, int dim, const float *b, cudaStream_t stream) {
    int64_t n = (int64_t)rows * dim;
    if (n == 0) return NMC_OK;
    bias_forward_kernel<<<blocks_for(n), T, 0, stream>>>(y, stride, rows, dim, b);
    LAUNCH_CHECK("bias_forward");
}

int cross_entropy(float *logits, const int32_t *labels, int rows, int vocab, float scale, const float *weights,
                  bool grad, float *loss, cudaStream_t stream) {
    return cross_entropy_fused(logits, vocab, labels, rows, vocab, scale, weights, grad, loss, nullptr, stream);
}

int sum_squares(const float *x, int64_t n, double *partial, int max_blocks, cudaStream_t stream) {
    int blocks = (int)std::min<int64_t>(max_blocks, std::max<int64_t>(1, (n + T - 1) / T));
    sum_squares_kernel<<<blocks, T, 0, stream>>>(x, n, partial);
    NMC_LAUNCHED("sum_squares");
    return blocks;
}

int scale(float *x, int64_t n, float s, cudaStream_t stream) {
    if (n == 0) return NMC_OK;
    scale_kernel<<<blocks_for(n), T, 0, stream>>>(x, n, s);
    LAUNCH_CHECK("scale");
}

}  // namespace nmc::k::train
