/**
 * The native CUDA backend: FFM ({@code java.lang.foreign}) bindings to {@code libnemotron_cuda.so}
 * (the C ABI of {@code native/include/nemotron_cuda.h}), the kernel interfaces of
 * {@link dev.nemotron.api.backend.Backend} on host arrays, and whole-model execution
 * ({@link dev.nemotron.api.backend.ModelExecution}) with weights and caches on the GPU.
 *
 * <p>Needs {@code --enable-native-access=dev.nemotron.backend.cuda}. Without a GPU, a driver or
 * the library, the provider reports itself unavailable with the reason.
 */
module dev.nemotron.backend.cuda {
    requires dev.nemotron.api;

    provides dev.nemotron.api.backend.BackendProvider with dev.nemotron.backend.cuda.CudaBackendProvider;
}
