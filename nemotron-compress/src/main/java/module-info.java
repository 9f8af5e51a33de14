/** Compression: architecture search under a memory budget (NAS), logit distillation; importance and pruning. */
module dev.nemotron.compress {
    requires transitive dev.nemotron.train;
    requires com.fasterxml.jackson.databind;
    requires org.apache.logging.log4j;

    exports dev.nemotron.compress.nas;
}
