package dev.nemotron.train.gemm;

/**
 * The plain scalar triple loops {@link Gemm} is tested against: same arguments, same layouts,
 * each element summed {@code s += a * b} (separately rounded multiply and add) in increasing
 * contraction index from its init value (C when accumulating, else the bias or 0).
 *
 * <pre>
 * nt: C [m,n] (+)= A [m,k] · Bt [n,k]ᵀ (+ bias)   nn: A [m,k] · B [k,n]   tn: At [k,m]ᵀ · B [k,n]
 * </pre>
 */
public final class ReferenceGemm {
    private ReferenceGemm() {
    }

    /** {@code C [m,n] = (accumulate ? C : bias or 0) + A [m,k] · Bt [n,k]ᵀ}. */
    public static void nt(int m, int n, int k, double[] a, double[] bt, double[] bias, double[] c, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = accumulate ? c[i * n + j] : bias == null ? 0 : bias[j];
                for (int t = 0; t < k; t++) {
                    s += a[i * k + t] * bt[j * k + t];
                }
                c[i * n + j] = s;
            }
        }
    }

    /** {@code C [m,n] = (accumulate ? C : 0) + A [m,k] · B [k,n]}. */
    public static void nn(int m, int n, int k, double[] a, double[] b, double[] c, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = accumulate ? c[i * n + j] : 0;
                for (int t = 0; t < k; t++) {
                    s += a[i * k + t] * b[t * n + j];
                }
                c[i * n + j] = s;
            }
        }
    }

    /** {@code C [m,n] = (accumulate ? C : 0) + At [k,m]ᵀ · B [k,n]}. */
    public static void tn(int m, int n, int k, double[] at, double[] b, double[] c, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = accumulate ? c[i * n + j] : 0;
                for (int t = 0; t < k; t++) {
                    s += at[t * m + i] * b[t * n + j];
                }
                c[i * n + j] = s;
            }
        }
    }
}
