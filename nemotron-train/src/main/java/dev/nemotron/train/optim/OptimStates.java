package dev.nemotron.train.optim;

import dev.nemotron.api.optim.OptimizerState;
import dev.nemotron.api.optim.Parameter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** Per-parameter state slots named {@code "<slot>/<parameter name>"}. */
final class OptimStates {
    private OptimStates() {
    }

    /** The slot array of {@code p}, created as zeros on first use; fails on a size change. */
    static double[] slot(Map<String, double[]> slots, Parameter p, String slotName) {
        double[] a = slots.computeIfAbsent(p.name(), k -> new double[p.size()]);
        if (a.length != p.size()) {
            throw new IllegalArgumentException(slotName + "/" + p.name() + " holds " + a.length
                    + " elements but the parameter has " + p.size());
        }
        return a;
    }

    static OptimizerState snapshot(Map<String, Map<String, double[]>> slots, String... order) {
        Map<String, double[]> all = new LinkedHashMap<>();
        for (String s : order) {
            slots.get(s).forEach((name, a) -> all.put(s + "/" + name, a));
        }
        return new OptimizerState(all);
    }

    static void load(OptimizerState state, Map<String, Map<String, double[]>> slots) {
        Map<String, Map<String, double[]>> fresh = new HashMap<>();
        slots.keySet().forEach(s -> fresh.put(s, new LinkedHashMap<>()));
        for (var e : state.arrays().entrySet()) {
            String key = e.getKey();
            int slash = key.indexOf('/');
            Map<String, double[]> target = slash < 0 ? null : fresh.get(key.substring(0, slash));
            if (target == null) {
                throw new IllegalArgumentException("unknown optimizer state array '" + key + "' (expected "
                        + slots.keySet().stream().sorted().map(s -> s + "/<parameter>").toList() + ")");
            }
            target.put(key.substring(slash + 1), e.getValue());
        }
        slots.forEach((s, m) -> {
            m.clear();
            m.putAll(fresh.get(s));
        });
    }
}
