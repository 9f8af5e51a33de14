package dev.nemotron.eval.ruler;

import dev.nemotron.eval.ruler.NiahSpec.ValueType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A needle-in-a-haystack sample as RULER's {@code niah.py} builds it: {@code keys × values}
 * needles ({@code One of the special magic numbers for KEY is: VALUE.}) in random order at
 * sorted depths; {@code queries} of the keys are asked, and the answers are their values.
 */
final class NiahDesign implements SampleDesign {
    private final Haystack haystack;
    private final HaystackSizes sizes;
    private final List<String> needles = new ArrayList<>();
    private final List<Double> depths;
    private final List<String> answers = new ArrayList<>();
    private final String head;
    private final String tail;
    private final String answerPrefix;
    private final Map<String, Object> details = new LinkedHashMap<>();

    NiahDesign(RulerTask task, HaystackText essay, List<Double> requestedDepths, Random rng, PieceCounter counter) {
        NiahSpec spec = task.niah();
        Set<String> keySet = new LinkedHashSet<>();
        while (keySet.size() < spec.keys()) {
            keySet.add(RandomValues.draw(spec.keyType(), rng));
        }
        List<String> keys = List.copyOf(keySet);
        List<List<String>> values = new ArrayList<>();
        for (String key : keys) {
            List<String> v = new ArrayList<>();
            for (int i = 0; i < spec.values(); i++) {
                v.add(RandomValues.draw(spec.valueType(), rng));
                needles.add(RulerTemplates.needle(spec.valueType().plural(), key, v.getLast()));
            }
            values.add(v);
        }
        Collections.shuffle(needles, rng);
        depths = Depths.forNeedles(requestedDepths, needles.size(), rng, task.id());
        List<Integer> keyIndex = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            keyIndex.add(i);
        }
        Collections.shuffle(keyIndex, rng);
        List<String> queries = new ArrayList<>();
        for (int q = 0; q < spec.queries(); q++) {
            queries.add(keys.get(keyIndex.get(q)));
            answers.addAll(values.get(keyIndex.get(q)));
        }
        String query = queries.size() == 1 ? queries.getFirst()
                : String.join(", ", queries.subList(0, queries.size() - 1)) + ", and " + queries.getLast();
        ValueType vt = spec.valueType();
        String noun = spec.singular() ? vt.singular() : vt.plural();
        head = RulerTemplates.niahHead(noun, spec.singular());
        tail = RulerTemplates.niahTail(noun, query, spec.singular());
        answerPrefix = RulerTemplates.niahAnswerPrefix(noun, query, spec.singular());
        haystack = switch (spec.haystack()) {
            case NOISE -> new NoiseHaystack();
            case ESSAY -> new EssayHaystack(essay);
            case NEEDLE -> new DistractorHaystack(spec.keyType(), vt, keySet, rng.nextLong());
        };
        sizes = new HaystackSizes(haystack, counter);
        details.put("haystack_type", spec.haystack().id());
        details.put("key_type", spec.keyType().plural());
        details.put("value_type", vt.plural());
        details.put("keys", keys);
        details.put("query", query);
    }

    @Override
    public SizeModel sizes() {
        return sizes;
    }

    @Override
    public String sizeName() {
        return haystack.pieceName();
    }

    @Override
    public Draft draft(int size) {
        NeedlePlacer.Placed p = NeedlePlacer.place(haystack, size, needles, depths);
        List<Draft.Needle> placed = new ArrayList<>();
        for (int j = 0; j < needles.size(); j++) {
            placed.add(new Draft.Needle(needles.get(j), depths.get(j), p.unitIndex()[j], head.length() + p.offsets()[j]));
        }
        return new Draft(head + p.context() + tail, answerPrefix, answers, placed, haystack.name(), size, p.units(), details);
    }
}
