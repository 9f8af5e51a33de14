/**
 * Alignment: supervised fine-tuning on chat conversations (the paper's reasoning-off and
 * truncated-trace transforms, packing), as a command and the {@code sft} pipeline stage; DPO,
 * GRPO and merging arrive later.
 */
module dev.nemotron.align {
    requires transitive dev.nemotron.train;
    requires transitive dev.nemotron.infer;
    requires com.fasterxml.jackson.databind;
    requires org.apache.logging.log4j;

    exports dev.nemotron.align.sft;
    exports dev.nemotron.align.grpo;

    uses dev.nemotron.api.reward.RewardProvider;

    provides dev.nemotron.api.pipeline.StageProvider with dev.nemotron.align.stage.SftStageProvider,
            dev.nemotron.align.stage.GrpoStageProvider;
}
