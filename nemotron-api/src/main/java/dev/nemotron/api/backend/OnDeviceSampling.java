package dev.nemotron.api.backend;

import java.util.List;

/**
 * Sampling on the device, an optional capability of a {@link DeviceModel}
 * ({@link DeviceModel#sampling()}): only the sampled tokens come back, not the logits.
 */
public interface OnDeviceSampling {
    /**
     * As {@link DeviceModel#decode}, then samples each row's next token on the device (temperature
     * {@code <= 0} is greedy; {@code topP} in (0, 1]); only the tokens come back.
     */
    int[] decodeSampled(List<DeviceSequence> sequences, int[] tokens, float temperature, float topP, long seed);
}
