/** Training: autodiff, optimizers, LR schedules, FP8 recipe, Arrow data pipeline, trainer (arrives with the training issue). */
module dev.nemotron.train {
    requires transitive dev.nemotron.arch;

    exports dev.nemotron.train.autodiff;
    exports dev.nemotron.train.autodiff.core;
    exports dev.nemotron.train.autodiff.embedding;
    exports dev.nemotron.train.autodiff.norm;
    exports dev.nemotron.train.autodiff.loss;
    exports dev.nemotron.train.autodiff.mlp;
    exports dev.nemotron.train.autodiff.attention;
    exports dev.nemotron.train.autodiff.mamba;
}
