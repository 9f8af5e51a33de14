package dev.nemotron.infer.server;

/**
 * One path of the server.
 *
 * @param method     the one HTTP method it answers (others get 405)
 * @param generation whether it runs a generation (counted against the in-flight limit)
 * @param protectedByKey whether it needs the API key when one is set
 */
record Route(String method, Endpoint endpoint, boolean generation, boolean protectedByKey) {
}
