/**
 * The HTTP/1.1 layer under the OpenAI-compatible server, on Eclipse Jetty's core server (no
 * servlets): each request on a virtual thread with blocking body reads and response writes, keep-alive,
 * {@code Expect: 100-continue}, strict framing (Jetty's parser; its errors answered as JSON by
 * {@code JsonErrorHandler}), and the limits of
 * {@link dev.nemotron.infer.server.http.HttpLimits} (connection cap with eviction of the idlest
 * connection, header, idle and write timeouts).
 */
package dev.nemotron.infer.server.http;
