package dev.nemotron.train.fp8;

/** The arithmetic a linear layer's GEMMs are simulated in (see {@link FakeQuantGemm}). */
public enum Precision {
    /** FP8 E4M3 operands with block-wise scales ({@link Fp8Recipe}); float64 accumulation. */
    FP8_E4M3,
    /** bfloat16 operands (round to nearest even); float64 accumulation. */
    BF16,
    /** The operands as given, no rounding: the full-precision reference run. */
    FP32
}
