/**
 * The OpenAI-compatible HTTP server ({@link dev.nemotron.infer.server.OpenAiServer}): chat
 * completions (reasoning in {@code reasoning_content}), completions, models and health, with
 * server-sent-event streaming, over the Jetty-based HTTP/1.1 layer of {@code dev.nemotron.infer.server.http} (requests on virtual threads).
 * See {@code docs/server.md}.
 */
package dev.nemotron.infer.server;
