package dev.nemotron.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron.api.NemotronException;
import dev.nemotron.api.distributed.Rendezvous;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@link DataParallelRun#ranks}: a rank (the launcher's child: the same flags, and a rendezvous)
 * applies the launcher's defaults too, so {@code --gpus N} ranks train on cuda with their share of
 * the cores; a rank of a command without data parallelism is refused.
 */
class DataParallelRunTest {
    private static final Rendezvous RANK_1_OF_2 = new Rendezvous(1, 2, Path.of("rendezvous"), Duration.ofSeconds(1));

    private static CommandSpec spec(Object command) {
        return new CommandLine(command).getCommandSpec();
    }

    @Test
    void aRankOfGpusTrainsOnCudaWithItsShareOfTheCores() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        assertThat(DataParallelRun.ranks(spec(new SftCommand()), null, 2, node, RANK_1_OF_2)).isEqualTo(2);
        assertThat(node.get("backend").asText()).isEqualTo("cuda");
        assertThat(node.get("threads").asInt()).isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        // the launcher itself: the same defaults
        ObjectNode launcher = JsonNodeFactory.instance.objectNode();
        assertThat(DataParallelRun.ranks(spec(new SftCommand()), null, 2, launcher, null)).isEqualTo(2);
        assertThat(launcher).isEqualTo(node);
        // a backend or thread count given stays
        ObjectNode given = JsonNodeFactory.instance.objectNode().put("backend", "java").put("threads", 3);
        DataParallelRun.ranks(spec(new DpoCommand()), null, 2, given, RANK_1_OF_2);
        assertThat(given.get("backend").asText()).isEqualTo("java");
        assertThat(given.get("threads").asInt()).isEqualTo(3);
    }

    @Test
    void aRankOfACommandWithoutRanksIsRefused() {
        assertThatThrownBy(() -> DataParallelRun.ranks(spec(new DistillCommand()), null, null,
                JsonNodeFactory.instance.objectNode(), RANK_1_OF_2))
                .isInstanceOf(NemotronException.class).hasMessageContaining("nemotron distill does not run data-parallel ranks yet");
        assertThat(DataParallelRun.ranks(spec(new PretrainCommand()), null, null, JsonNodeFactory.instance.objectNode(), null))
                .isEqualTo(1);
    }
}
