package dev.nemotron.train.fp8;

import java.util.Objects;

/**
 * The block shapes of the FP8 GEMMs of a linear layer {@code y = x·Wᵀ}. Tiles are given as they
 * lie on a matrix whose columns run along the GEMM's contraction axis; the default is the
 * block-wise recipe of DeepSeek-V3 and Transformer Engine that Nemotron Nano 2 pretraining uses:
 * 128×128 weight blocks, 1×128 activation and gradient tiles. See {@link FakeQuantGemm} for which
 * operand is quantised along which axis.
 *
 * @param weightBlock    blocks of {@code W [N, K]} (forward and data-gradient GEMMs)
 * @param activationTile tiles of the activation {@code x}, columns along the contraction axis
 * @param gradientTile   tiles of the output gradient {@code dY}, columns along the contraction axis
 */
public record Fp8Recipe(BlockShape weightBlock, BlockShape activationTile, BlockShape gradientTile) {
    /** 128×128 weight blocks, 1×128 activation and gradient tiles. */
    public static final Fp8Recipe DEFAULT = new Fp8Recipe(BlockShape.WEIGHT, BlockShape.TILE, BlockShape.TILE);

    public Fp8Recipe {
        Objects.requireNonNull(weightBlock, "weightBlock");
        Objects.requireNonNull(activationTile, "activationTile");
        Objects.requireNonNull(gradientTile, "gradientTile");
    }
}
