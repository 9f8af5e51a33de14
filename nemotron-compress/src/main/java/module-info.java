/** Compression: importance estimation, pruning, NAS, distillation (arrives with the compression issue). */
module dev.nemotron.compress {
    requires transitive dev.nemotron.train;
}
