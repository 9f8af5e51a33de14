package dev.nemotron.eval.ruler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * RULER's variable tracking ({@code vt}: one chain, 4 hops): the chain's assignments in order at
 * random depths of the noise haystack (each on its own line), after one worked example — a short
 * chain of 3-letter names in {@value #EXAMPLE_LINES} noise lines, with its answer — as RULER
 * prepends one. The answer is every variable of the chain.
 */
final class VariableTrackingDesign implements SampleDesign {
    static final int HOPS = 4;
    static final int EXAMPLE_LINES = 10;

    private final NoiseHaystack haystack = new NoiseHaystack();
    private final HaystackSizes sizes;
    private final VariableChain chain;
    private final List<Double> depths;
    private final String example;
    private final Map<String, Object> details = new LinkedHashMap<>();

    VariableTrackingDesign(List<Double> requestedDepths, Random rng, PieceCounter counter) {
        VariableChain shot = VariableChain.draw(HOPS, 3, rng);
        List<Double> shotDepths = Depths.forChain(List.of(), shot.statements().size(), rng, "vt");
        String shotContext = NeedlePlacer.place(haystack, EXAMPLE_LINES * NoiseHaystack.SENTENCES.length,
                shot.statements(), shotDepths).context();
        example = RulerTemplates.VT_HEAD + shotContext + RulerTemplates.vtTail(shot.value())
                + RulerTemplates.vtAnswerPrefix(shot.variables().size(), shot.value()).stripTrailing() + " "
                + String.join(" ", shot.variables()) + "\n\n";
        chain = VariableChain.draw(HOPS, 5, rng);
        depths = Depths.forChain(requestedDepths, chain.statements().size(), rng, "vt");
        sizes = new HaystackSizes(haystack, counter);
        details.put("value", chain.value());
        details.put("chains", 1);
        details.put("hops", HOPS);
        details.put("example_lines", EXAMPLE_LINES);
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
        NeedlePlacer.Placed p = NeedlePlacer.place(haystack, size, chain.statements(), depths);
        String head = example + RulerTemplates.VT_HEAD;
        List<Draft.Needle> placed = new ArrayList<>();
        for (int j = 0; j < chain.statements().size(); j++) {
            placed.add(new Draft.Needle(chain.statements().get(j), depths.get(j), p.unitIndex()[j], head.length() + p.offsets()[j]));
        }
        return new Draft(head + p.context() + RulerTemplates.vtTail(chain.value()),
                RulerTemplates.vtAnswerPrefix(chain.variables().size(), chain.value()), chain.variables(), placed,
                haystack.name(), size, p.units(), details);
    }
}
