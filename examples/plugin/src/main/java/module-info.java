/** A reward plugin: found by the SDK with ServiceLoader, written against nemotron-api alone. */
module com.acme.nemotron.reward {
    requires dev.nemotron.api;

    provides dev.nemotron.api.reward.RewardProvider with com.acme.nemotron.reward.KeywordRewardProvider;
}
