/** Training: autodiff, optimizers, LR schedules, FP8 recipe, Arrow data pipeline, trainer (arrives with the training issue). */
module dev.nemotron.train {
    requires transitive dev.nemotron.arch;
    requires com.fasterxml.jackson.databind;

    exports dev.nemotron.train.autodiff;
    exports dev.nemotron.train.autodiff.core;
    exports dev.nemotron.train.autodiff.embedding;
    exports dev.nemotron.train.autodiff.norm;
    exports dev.nemotron.train.autodiff.loss;
    exports dev.nemotron.train.autodiff.mlp;
    exports dev.nemotron.train.autodiff.attention;
    exports dev.nemotron.train.autodiff.mamba;
    exports dev.nemotron.train.fp8;
    exports dev.nemotron.train.trainer;
    exports dev.nemotron.train.optim;
    exports dev.nemotron.train.schedule;
    uses dev.nemotron.api.optim.OptimizerProvider;
    provides dev.nemotron.api.optim.OptimizerProvider with dev.nemotron.train.optim.AdamWProvider;
}
