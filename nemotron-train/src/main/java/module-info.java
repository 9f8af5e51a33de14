/** Training: autodiff, optimizers, LR schedules, FP8 recipe, Arrow data pipeline, trainer (arrives with the training issue). */
module dev.nemotron.train {
    requires transitive dev.nemotron.arch;

    exports dev.nemotron.train.fp8;
}
