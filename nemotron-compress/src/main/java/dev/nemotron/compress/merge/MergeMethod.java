package dev.nemotron.compress.merge;

/**
 * How two checkpoints A and B combine, tensor by tensor (α = {@code --alpha}, λ = {@code --scale}).
 *
 * <pre>
 * LINEAR           θ = (1 - α) A + α B
 * TASK_ARITHMETIC  θ = base + λ ((1 - α)(A - base) + α (B - base))      task vectors against --base
 * SLERP            per tensor, a and b flattened: Ω = arccos(a·b / (|a| |b|)),
 *                  θ = sin((1 - α) Ω) / sin Ω · a + sin(α Ω) / sin Ω · b;
 *                  LINEAR where sin Ω < 1e-6 (parallel tensors) or a tensor is zero
 * </pre>
 *
 * Exact cases (the stored bytes are copied): α = 0 gives A and α = 1 gives B (TASK_ARITHMETIC
 * when λ = 1); LINEAR and SLERP of a tensor with an identical one give it back.
 */
public enum MergeMethod {
    LINEAR, TASK_ARITHMETIC, SLERP
}
