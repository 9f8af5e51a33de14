package dev.nemotron.backend.onnx;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The backend's settings, from system properties (or environment variables):
 * <ul>
 *   <li>{@code nemotron.onnx.export} ({@code NEMOTRON_ONNX_EXPORT}): run this existing export
 *       directory instead of exporting (it must be of the same model: its hashes are checked);</li>
 *   <li>{@code nemotron.onnx.cache} ({@code NEMOTRON_ONNX_CACHE}): where exports made on first use
 *       are kept, one directory per model hash (default {@code ~/.cache/nemotron/onnx});</li>
 *   <li>{@code nemotron.onnx.device} ({@code NEMOTRON_ONNX_DEVICE}): {@code auto} (CUDA where ONNX
 *       Runtime has the provider and a GPU answers, else CPU), {@code cpu} or {@code cuda};</li>
 *   <li>{@code nemotron.onnx.threads} ({@code NEMOTRON_ONNX_THREADS}): intra-op threads (0: ORT's default, all cores).</li>
 * </ul>
 */
record OnnxSettings(Path export, Path cache, String device, int threads) {
    static OnnxSettings ofThisJvm() {
        String export = get("nemotron.onnx.export", "NEMOTRON_ONNX_EXPORT");
        String cache = get("nemotron.onnx.cache", "NEMOTRON_ONNX_CACHE");
        String device = get("nemotron.onnx.device", "NEMOTRON_ONNX_DEVICE");
        String threads = get("nemotron.onnx.threads", "NEMOTRON_ONNX_THREADS");
        return new OnnxSettings(export == null ? null : Path.of(export),
                cache != null ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "nemotron", "onnx"),
                device == null ? "auto" : device.toLowerCase(Locale.ROOT), threads == null ? 0 : parseThreads(threads));
    }

    private static int parseThreads(String v) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 0 && n <= 4096) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("nemotron.onnx.threads must be a number of threads (0..4096), got '" + v + "'");
    }

    private static String get(String property, String env) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? null : v;
    }
}
