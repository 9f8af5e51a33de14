package dev.nemotron.api.backend;

/** Things a backend may or may not do; query them, never assume them. */
public enum Capability {
    /** Forward kernels for inference. */
    INFERENCE,
    /** Backward kernels for training. */
    TRAINING,
    /** Reads weights stored as F32. */
    WEIGHTS_F32,
    /** Reads weights stored as BF16. */
    WEIGHTS_BF16,
    /** Reads weights stored as F16. */
    WEIGHTS_F16,
    /** FP8 E4M3 GEMMs. */
    FP8_E4M3,
    /** Runs on the CPU. */
    CPU,
    /** Runs on a GPU. */
    GPU,
    /** Executes whole exported models rather than single kernels (e.g. ONNX Runtime). */
    WHOLE_MODEL
}
