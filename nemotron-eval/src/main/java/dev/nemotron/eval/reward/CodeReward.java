package dev.nemotron.eval.reward;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.json.JsonMappers;
import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardInput;
import dev.nemotron.eval.code.lang.LanguageRunner;
import dev.nemotron.eval.code.task.CodeBlockFilter;
import dev.nemotron.eval.math.Reasoning;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The {@code code} reward: each test runs in its own sandboxed process as the program
 * {@code code + "\n\n" + test}, where {@code code} is the completion's answer (after its reasoning,
 * {@link Reasoning#finalPart}), the content of its first {@code ```python} block when it has one
 * ({@link CodeBlockFilter}), and the prompt in front with {@code prepend_prompt}. A test passes
 * when its run returns normally (the runner's marker guards against a program that exits early),
 * so the score is the fraction of tests passed; a syntax error, an exception, a timeout or a
 * killed run fails that test. The tests are the metadata field {@code tests} (a JSON array of
 * strings, e.g. {@code ["assert add(1, 2) == 3", ...]}) or else one per non-blank line of the
 * reference.
 */
final class CodeReward implements Reward {
    /** Metadata key of the JSON array of tests. */
    static final String TESTS = "tests";
    private static final ObjectMapper JSON = JsonMappers.strict();
    private static final Logger LOG = LogManager.getLogger(CodeReward.class);

    private final LanguageRunner runner;
    private final int maxTests;
    private final boolean prependPrompt;
    private final CodeBlockFilter blocks = new CodeBlockFilter("python");

    CodeReward(LanguageRunner runner, int maxTests, boolean prependPrompt) {
        this.runner = runner;
        this.maxTests = maxTests;
        this.prependPrompt = prependPrompt;
    }

    @Override
    public String name() {
        return CodeRewardProvider.NAME;
    }

    @Override
    public double score(RewardInput input) {
        List<String> tests = tests(input);
        String answer = Reasoning.finalPart(input.completion());
        if (answer.isBlank()) {
            return 0.0;
        }
        String code = (prependPrompt ? input.prompt() : "") + blocks.apply(answer);
        int passed = 0;
        for (String test : tests) {
            try {
                passed += runner.run(code + "\n\n" + test + "\n").passed() ? 1 : 0;
            } catch (NemotronException e) {
                LOG.warn("code reward: a test could not run, counted as failed: {}", e.getMessage());
            }
        }
        return passed / (double) tests.size();
    }

    List<String> tests(RewardInput input) {
        List<String> tests = new ArrayList<>();
        String json = input.metadata().get(TESTS);
        if (json != null) {
            JsonNode arr;
            try {
                arr = JSON.readTree(json);
            } catch (JacksonException e) {
                throw new NemotronException("code reward: metadata tests is not JSON: " + JsonMappers.problem(e));
            }
            if (!arr.isArray()) {
                throw new NemotronException("code reward: metadata tests must be a JSON array of strings");
            }
            for (JsonNode t : arr) {
                if (!t.isTextual() || t.textValue().isBlank()) {
                    throw new NemotronException("code reward: metadata tests must be a JSON array of non-empty strings");
                }
                tests.add(t.textValue());
                if (tests.size() > maxTests) {
                    break;
                }
            }
        } else {
            input.reference().lines().filter(l -> !l.isBlank()).limit(maxTests + 1L).forEach(tests::add);
        }
        if (tests.isEmpty()) {
            throw new NemotronException("code reward: the example has no tests: give metadata tests (a JSON array) or one test per reference line");
        }
        if (tests.size() > maxTests) {
            throw new NemotronException("code reward: the example has more than max_tests=" + maxTests + " tests; raise the option or split the example");
        }
        return tests;
    }
}
