package dev.nemotron.backend.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import dev.nemotron.api.backend.Availability;
import java.util.EnumSet;
import java.util.Locale;

/**
 * Whether ONNX Runtime loads here: its JNI library for this platform (the onnxruntime jar has
 * linux-x64, linux-aarch64, osx-aarch64 and win-x64), native access granted to it, and which
 * execution providers it has (the CUDA provider only comes with the {@code onnxruntime_gpu}
 * package, in place of {@code onnxruntime}).
 */
record OrtProbe(Availability availability, OrtEnvironment env, boolean cuda) {
    static OrtProbe run() {
        String platform = System.getProperty("os.name") + "/" + System.getProperty("os.arch");
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "nemotron");
            EnumSet<OrtProvider> providers = OrtEnvironment.getAvailableProviders();
            boolean cuda = providers.contains(OrtProvider.CUDA);
            String reason = "ONNX Runtime " + env.getVersion() + ", " + (cuda
                    ? "CUDA provider (device 0)"
                    : "CPU provider, " + Runtime.getRuntime().availableProcessors() + " cores (CUDA needs onnxruntime_gpu)");
            return new OrtProbe(new Availability(true, reason, "providers: " + providers + (cuda ? ""
                    : "; the CUDA execution provider comes with com.microsoft.onnxruntime:onnxruntime_gpu in place of onnxruntime")),
                    env, cuda);
        } catch (IllegalCallerException e) {
            return unavailable("ONNX Runtime may not load its native library: run the JVM with"
                    + " --enable-native-access=com.microsoft.onnxruntime", e);
        } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
            return unavailable("no usable ONNX Runtime native library for " + platform.toLowerCase(Locale.ROOT)
                    + " (the onnxruntime 1.29.0 jar ships linux-x64, linux-aarch64, osx-aarch64, win-x64)", e);
        } catch (RuntimeException e) {
            return unavailable("ONNX Runtime failed to start: " + e.getMessage(), e);
        }
    }

    private static OrtProbe unavailable(String reason, Throwable e) {
        return new OrtProbe(Availability.unavailable(reason, e.toString()), null, false);
    }
}
