/**
 * ONNX for Nemotron-H models: the {@code onnx} export format
 * ({@link dev.nemotron.api.export.ExporterProvider}: standard ONNX prefill and decode graphs,
 * weights in an external data file) and the {@code onnx} backend
 * ({@link dev.nemotron.api.backend.BackendProvider}: whole-model execution of those graphs with
 * ONNX Runtime Java, CPU provider by default, CUDA provider when ONNX Runtime's GPU package and a
 * GPU are there). See docs/onnx.md.
 *
 * <p>Needs {@code --enable-native-access=com.microsoft.onnxruntime} (ONNX Runtime loads its JNI
 * library); without a native library for the platform the backend reports itself unavailable.
 */
module dev.nemotron.backend.onnx {
    requires dev.nemotron.api;
    requires com.microsoft.onnxruntime;
    requires com.google.protobuf;

    provides dev.nemotron.api.backend.BackendProvider with dev.nemotron.backend.onnx.OnnxBackendProvider;
    provides dev.nemotron.api.export.ExporterProvider with dev.nemotron.backend.onnx.OnnxExporterProvider;
}
