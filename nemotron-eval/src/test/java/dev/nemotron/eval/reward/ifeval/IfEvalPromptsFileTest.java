package dev.nemotron.eval.reward.ifeval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron.api.reward.Reward;
import dev.nemotron.api.reward.RewardInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@code examples/data/ifeval-prompts.jsonl}: every row's instructions are supported and scorable. */
class IfEvalPromptsFileTest {
    private static final Path FILE = Path.of("..").toAbsolutePath().normalize().resolve("examples/data/ifeval-prompts.jsonl");

    @Test
    void everyRowIsScorableThroughMetadataAsGrpoPassesIt() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(FILE);
        assertThat(lines).hasSize(50);
        Reward reward = new IfEvalRewardProvider().create(Map.of());
        Set<String> used = new TreeSet<>();
        Set<Object> keys = new TreeSet<>();
        for (String line : lines) {
            JsonNode row = json.readTree(line);
            assertThat(keys.add(row.get("key").asInt())).as("unique key").isTrue();
            assertThat(row.get("prompt").asText()).isNotBlank();
            row.get("instruction_id_list").forEach(id -> used.add(id.asText()));
            // the extra fields of a prompt row reach the reward as metadata holding their JSON text
            RewardInput in = new RewardInput(row.get("prompt").asText(), "x", "", Map.of(
                    Instructions.IDS, row.get("instruction_id_list").toString(), Instructions.KWARGS, row.get("kwargs").toString()));
            double s = reward.score(in);
            assertThat(s).isBetween(0.0, 1.0);
        }
        assertThat(used).hasSizeGreaterThanOrEqualTo(15);
        assertThat(Instructions.supported().keySet()).containsAll(used);
    }
}
