/**
 * An example layer plugin: a per-channel scale ({@code Z} in the hybrid pattern) with its own
 * config field, parameters, cache footprint and trainable form, written against nemotron-api alone.
 */
package dev.nemotron.plugins.examples.scale;
