package dev.nemotron.api.backend;

/**
 * What a backend can do, as its {@link BackendProvider} declares it before the backend is created
 * (so {@code nemotron backends} can list it); query them, never assume them.
 */
public enum Capability {
    /** Offers {@link Backend#kernels()}. */
    KERNELS,
    /** Offers {@link Backend#modelExecution()}. */
    MODEL_EXECUTION,
    /** Offers {@link Backend#trainingExecution()}. */
    TRAINING_EXECUTION,
    /** Its kernels read weights stored as F32. */
    WEIGHTS_F32,
    /** Its kernels read weights stored as BF16. */
    WEIGHTS_BF16,
    /** Its kernels read weights stored as F16. */
    WEIGHTS_F16,
    /** Its linear kernels read projection weights stored as Q8_0 ({@code DType.Q8_0}, GGML's layout). */
    WEIGHTS_Q8_0,
    /** Runs on the CPU. */
    CPU,
    /** Runs on a GPU. */
    GPU
}
