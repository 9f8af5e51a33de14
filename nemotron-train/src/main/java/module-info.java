/** Training: autodiff, optimizers, LR schedules, FP8 recipe, Arrow data pipeline, trainer (arrives with the training issue). */
module dev.nemotron.train {
    requires transitive dev.nemotron.arch;
    requires org.apache.arrow.vector;
    requires org.apache.arrow.memory.core;
    requires org.apache.arrow.memory.unsafe;
    requires com.fasterxml.jackson.databind;
    requires org.apache.logging.log4j;
    exports dev.nemotron.train.data;
    opens dev.nemotron.train.data to com.fasterxml.jackson.databind;
}
