/**
 * The OpenAI-compatible HTTP server ({@link dev.nemotron.infer.server.OpenAiServer}): chat
 * completions (reasoning in {@code reasoning_content}), completions, models and health, with
 * server-sent-event streaming, over the JDK's {@code com.sun.net.httpserver} on virtual threads.
 * See {@code docs/server.md}.
 */
package dev.nemotron.infer.server;
