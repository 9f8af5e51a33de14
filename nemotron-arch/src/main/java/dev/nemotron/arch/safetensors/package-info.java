/** Reading (memory-mapped, validated, sharded) and writing safetensors checkpoints. */
package dev.nemotron.arch.safetensors;
