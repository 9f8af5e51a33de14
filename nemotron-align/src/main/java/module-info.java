/**
 * Alignment: supervised fine-tuning on chat conversations (the paper's reasoning-off and
 * truncated-trace transforms, packing), DPO on preference pairs with a frozen reference, on-policy
 * pairs sampled with the inference engine and scored by a reward plugin, and GRPO with reward
 * plugins (rollouts by the inference engine from the live weights), as commands and the
 * {@code sft}, {@code make-pairs}, {@code dpo} and {@code grpo} pipeline stages.
 */
module dev.nemotron.align {
    requires transitive dev.nemotron.train;
    requires transitive dev.nemotron.infer;
    requires com.fasterxml.jackson.databind;
    requires org.apache.logging.log4j;

    exports dev.nemotron.align.sft;
    exports dev.nemotron.align.dpo;
    exports dev.nemotron.align.pairs;
    exports dev.nemotron.align.grpo;

    uses dev.nemotron.api.reward.RewardProvider;

    provides dev.nemotron.api.pipeline.StageProvider with dev.nemotron.align.stage.SftStageProvider,
        dev.nemotron.align.stage.DpoStageProvider,
        dev.nemotron.align.stage.MakePairsStageProvider,
        dev.nemotron.align.stage.GrpoStageProvider;
}
