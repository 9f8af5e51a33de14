package com.acme.nemotron.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nemotron.api.NemotronException;
import dev.nemotron.api.plugin.Plugins;
import dev.nemotron.api.reward.RewardInput;
import dev.nemotron.api.reward.RewardProvider;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeywordRewardTest {
    @Test
    void foundByTheSdksPluginDiscoveryByName() {
        // how the SDK finds rewards (GRPO, eval): ServiceLoader through Plugins, which declares the `uses`
        RewardProvider p = Plugins.load(RewardProvider.class, getClass().getClassLoader(), warning -> { })
                .stream().filter(r -> r.name().equals("keyword")).findFirst().orElseThrow();
        assertEquals(1.0, p.create(Map.of()).score(RewardInput.of("", "<think>paris?</think> It is Paris.", "paris")));
    }

    @Test
    void scoresOnlyTheAnswerAfterTheReasoning() {
        var r = new KeywordRewardProvider().create(Map.of("ignore_case", "false"));
        assertEquals(0.0, r.score(RewardInput.of("", "<think>Paris</think> London", "Paris")));
        assertEquals(1.0, r.score(RewardInput.of("", "<think>hmm</think> Paris", "Paris")));
        assertEquals(0.0, r.score(RewardInput.of("", "", "Paris")));
    }

    @Test
    void anUnknownOptionIsAnErrorNamingIt() {
        var e = assertThrows(NemotronException.class, () -> new KeywordRewardProvider().create(Map.of("ignore_cas", "1")));
        assertEquals(true, e.getMessage().contains("ignore_cas"), e.getMessage());
    }
}
