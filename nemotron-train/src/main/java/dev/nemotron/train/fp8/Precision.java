package dev.nemotron.train.fp8;

import dev.nemotron.api.tensor.DType;

/** The arithmetic a linear layer's GEMMs are simulated in (see {@link FakeQuantGemm}). */
public enum Precision {
    /** FP8 E4M3 operands with block-wise scales ({@link Fp8Recipe}); float64 accumulation. */
    FP8_E4M3,
    /** bfloat16 operands (round to nearest even); float64 accumulation. */
    BF16,
    /** The operands as given, no rounding: the full-precision reference run. */
    FP32;

    /**
     * The GEMM operand type a device trainer takes for this precision
     * ({@link dev.nemotron.api.backend.TrainingExecution.DeviceTrainer#gemmPrecision}).
     */
    public DType dtype() {
        return switch (this) {
            case FP8_E4M3 -> DType.F8_E4M3;
            case BF16 -> DType.BF16;
            case FP32 -> DType.F32;
        };
    }
}
