/** Alignment: SFT, DPO, GRPO, merging (arrives with the alignment issue). */
module dev.nemotron.align {
    requires transitive dev.nemotron.train;
    requires transitive dev.nemotron.infer;
}
