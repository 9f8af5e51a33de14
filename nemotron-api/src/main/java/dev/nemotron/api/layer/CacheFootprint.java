package dev.nemotron.api.layer;

/**
 * Bytes of inference state one layer keeps, for a given context length and batch.
 *
 * @param kvCacheBytes   keys and values of attention layers
 * @param ssmStateBytes  recurrent SSM state of Mamba layers (fp32)
 * @param convStateBytes convolution windows of Mamba layers
 */
public record CacheFootprint(long kvCacheBytes, long ssmStateBytes, long convStateBytes) {
    public static final CacheFootprint NONE = new CacheFootprint(0, 0, 0);

    public long totalBytes() {
        return kvCacheBytes + ssmStateBytes + convStateBytes;
    }

    public CacheFootprint plus(CacheFootprint o) {
        return new CacheFootprint(kvCacheBytes + o.kvCacheBytes, ssmStateBytes + o.ssmStateBytes,
                convStateBytes + o.convStateBytes);
    }
}
