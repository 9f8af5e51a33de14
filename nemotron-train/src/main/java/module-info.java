/**
 * Training: float64 autodiff for every layer, optimizers (AdamW; others as plugins) and LR
 * schedules, the FP8 recipe (simulated), the Arrow token-data pipeline and dataset tokenisation, the trainer loop, and run
 * reports (loss-curve PNGs with JFreeChart, the terminal progress line), and the pretrain, cpt,
 * tokenize and synth-arithmetic pipeline stages.
 */
module dev.nemotron.train {
    requires transitive dev.nemotron.arch;
    requires transitive dev.nemotron.text;
    requires org.apache.arrow.vector;
    requires org.apache.arrow.memory.core;
    requires org.apache.arrow.format;
    requires org.apache.arrow.memory.unsafe;
    requires com.fasterxml.jackson.databind;
    requires org.apache.logging.log4j;
    requires java.management;
    requires static java.desktop;
    requires static org.jfree.jfreechart;
    requires jdk.incubator.vector;

    exports dev.nemotron.train.autodiff;
    exports dev.nemotron.train.autodiff.core;
    exports dev.nemotron.train.autodiff.activation;
    exports dev.nemotron.train.autodiff.check;
    exports dev.nemotron.train.autodiff.embedding;
    exports dev.nemotron.train.autodiff.norm;
    exports dev.nemotron.train.autodiff.loss;
    exports dev.nemotron.train.autodiff.mlp;
    exports dev.nemotron.train.autodiff.attention;
    exports dev.nemotron.train.autodiff.mamba;
    exports dev.nemotron.train.data;
    exports dev.nemotron.train.data.synth;
    exports dev.nemotron.train.fp8;
    exports dev.nemotron.train.gemm;
    exports dev.nemotron.train.optim;
    exports dev.nemotron.train.report;
    exports dev.nemotron.train.schedule;
    exports dev.nemotron.train.trainer;
    exports dev.nemotron.train.pretrain;

    opens dev.nemotron.train.data to com.fasterxml.jackson.databind;

    uses dev.nemotron.api.optim.OptimizerProvider;
    uses dev.nemotron.api.layer.train.TrainableMixerFactory;
    provides dev.nemotron.api.layer.train.TrainableMixerFactory with
            dev.nemotron.train.autodiff.mamba.TrainableMamba2.Factory,
            dev.nemotron.train.autodiff.attention.TrainableAttention.Factory,
            dev.nemotron.train.autodiff.mlp.TrainableMlp.Factory;
    provides dev.nemotron.api.optim.OptimizerProvider with dev.nemotron.train.optim.AdamWProvider;
    provides dev.nemotron.api.pipeline.StageProvider with dev.nemotron.train.stage.PretrainStageProvider,
            dev.nemotron.train.stage.CptStageProvider, dev.nemotron.train.stage.TokenizeStageProvider,
            dev.nemotron.train.stage.SynthArithmeticStageProvider;
}
