package dev.nemotron.train.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A weighted mixture of datasets. Weights are normalised to sum to 1. Each packed sequence comes
 * from one component, chosen by a deterministic weighted draw from (seed, sequence index): the
 * proportions converge to the weights, the choice for any sequence is reproducible without
 * replaying earlier ones (which makes resuming exact).
 */
public record Blend(List<Component> components) {
    /** One dataset of a blend with its (unnormalised) weight. */
    public record Component(TokenDataset dataset, double weight) {
        public Component {
            Objects.requireNonNull(dataset, "dataset");
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("blend weight of " + dataset.name() + " must be positive and finite, got " + weight);
            }
        }
    }

    public Blend {
        if (components == null || components.isEmpty()) {
            throw new IllegalArgumentException("a blend needs at least one dataset");
        }
        double sum = 0;
        for (Component c : components) {
            sum += c.weight();
        }
        List<Component> normalised = new ArrayList<>(components.size());
        for (Component c : components) {
            normalised.add(new Component(c.dataset(), c.weight() / sum));
        }
        components = List.copyOf(normalised);
    }

    public static Blend of(TokenDataset dataset) {
        return new Blend(List.of(new Component(dataset, 1)));
    }

    /** Datasets and weights alternating: {@code Blend.of(a, 0.7, b, 0.3)}. */
    public static Blend of(Object... datasetsAndWeights) {
        if (datasetsAndWeights.length == 0 || datasetsAndWeights.length % 2 != 0) {
            throw new IllegalArgumentException("expected dataset, weight, dataset, weight, ...");
        }
        List<Component> cs = new ArrayList<>();
        for (int i = 0; i < datasetsAndWeights.length; i += 2) {
            cs.add(new Component((TokenDataset) datasetsAndWeights[i], ((Number) datasetsAndWeights[i + 1]).doubleValue()));
        }
        return new Blend(cs);
    }

    /** The normalised weights, in component order. */
    public double[] weights() {
        return components.stream().mapToDouble(Component::weight).toArray();
    }

    /** The component that provides sequence {@code index} of a run with {@code seed}. */
    public int pick(long seed, long index) {
        if (components.size() == 1) {
            return 0;
        }
        double u = Seeds.unit(Seeds.mix(seed, 0x426c656e64L, index));
        double acc = 0;
        for (int i = 0; i < components.size(); i++) {
            acc += components.get(i).weight();
            if (u < acc) {
                return i;
            }
        }
        return components.size() - 1;
    }
}
