/**
 * Alignment: supervised fine-tuning on chat conversations (the paper's reasoning-off and
 * truncated-trace transforms, packing), as a command and the {@code sft} pipeline stage; DPO on
 * preference pairs with a frozen reference ({@code dpo} stage); on-policy pairs sampled with the
 * inference engine and scored by a reward plugin.
 */
module dev.nemotron.align {
    requires transitive dev.nemotron.train;
    requires transitive dev.nemotron.infer;
    requires com.fasterxml.jackson.databind;
    requires org.apache.logging.log4j;

    exports dev.nemotron.align.sft;
    exports dev.nemotron.align.dpo;
    exports dev.nemotron.align.pairs;

    uses dev.nemotron.api.reward.RewardProvider;

    provides dev.nemotron.api.pipeline.StageProvider with dev.nemotron.align.stage.SftStageProvider,
        dev.nemotron.align.stage.DpoStageProvider;
}
