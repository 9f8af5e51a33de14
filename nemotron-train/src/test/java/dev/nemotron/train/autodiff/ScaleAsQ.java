package dev.nemotron.train.autodiff;

import dev.nemotron.api.backend.Kernels;
import dev.nemotron.api.layer.CacheFootprint;
import dev.nemotron.api.layer.LayerContext;
import dev.nemotron.api.layer.Mixer;
import dev.nemotron.api.layer.MixerFactory;
import dev.nemotron.api.layer.ParameterSpec;
import dev.nemotron.api.layer.WeightSource;
import dev.nemotron.api.layer.dims.LayerDims;
import dev.nemotron.api.layer.train.ParameterStore;
import dev.nemotron.api.layer.train.TrainableMixer;
import dev.nemotron.api.layer.train.TrainableMixerFactory;
import dev.nemotron.api.tensor.DType;
import dev.nemotron.plugins.examples.scale.ScaleMixerFactory;
import java.util.List;
import java.util.Set;

/**
 * The example scale layer's inference half under pattern symbol 'Q' and another name: a plugin
 * layer type for tests. Alone it has no trainable form; {@link Trainable} adds one.
 */
class ScaleAsQ implements MixerFactory {
    final ScaleMixerFactory scale = new ScaleMixerFactory();
    private final String name;

    ScaleAsQ(String name) {
        this.name = name;
    }

    /** A trainable form built by {@code trainable} from the layer's context and parameters. */
    static final class Trainable extends ScaleAsQ implements TrainableMixerFactory {
        interface Form {
            TrainableMixer<?> create(ScaleMixerFactory scale, LayerContext layer, LayerDims dims, ParameterStore params);
        }

        private final Form form;

        Trainable(String name, Form form) {
            super(name);
            this.form = form;
        }

        @Override
        public TrainableMixer<?> create(LayerContext layer, LayerDims dims, ParameterStore params) {
            return form.create(scale, layer, dims, params);
        }
    }

    @Override
    public char symbol() {
        return 'Q';
    }

    @Override
    public Set<String> blockTypeNames() {
        return Set.of(name.replace('-', '_'));
    }

    @Override
    public String displayName() {
        return name;
    }

    @Override
    public LayerDims dims(LayerContext layer) {
        return scale.dims(layer);
    }

    @Override
    public List<ParameterSpec> parameters(LayerContext layer) {
        return scale.parameters(layer);
    }

    @Override
    public CacheFootprint cacheFootprint(LayerContext layer, long context, int batch, DType modelDtype) {
        return CacheFootprint.NONE;
    }

    @Override
    public Mixer create(LayerContext layer, WeightSource weights, Kernels kernels) {
        return scale.create(layer, weights, kernels);
    }
}
