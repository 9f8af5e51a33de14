/** The {@code length} reward: a shaped reward plugin written against {@code nemotron-api} alone. */
package dev.nemotron.plugins.examples.length;
