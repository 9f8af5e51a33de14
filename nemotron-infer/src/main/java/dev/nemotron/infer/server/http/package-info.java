/**
 * The small HTTP/1.1 server under the OpenAI-compatible server: one virtual thread per connection,
 * keep-alive, {@code Content-Length} and {@code chunked} request bodies parsed strictly, whole or
 * {@code chunked} streamed responses, and the limits of {@link dev.nemotron.infer.server.http.HttpLimits}
 * (connection cap with eviction of the idlest connection, header, idle and write timeouts).
 */
package dev.nemotron.infer.server.http;
