package dev.nemotron.infer.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Found by RequestBodyFuzzTest: a body starting with zero bytes made Jackson guess UTF-32 and fail
 * with an I/O error, answered 500. A body that is not UTF-8 is now a 400 naming the encoding.
 */
class BodyEncodingTest {
    static TestServer t;

    @BeforeAll
    static void start() {
        t = TestServer.standard();
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/chat/completions", "/v1/completions"})
    void bodyThatIsNotUtf8Gets400(String path) throws Exception {
        byte[] utf32ish = {0, 0, 0, ',', 0, 0, 0, (byte) 0x80, '"', ':', '1', '}'};
        byte[] latin1 = "{\"prompt\":\"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        for (byte[] body : new byte[][] {utf32ish, latin1}) {
            HttpResponse<String> r = t.client.send(HttpRequest.newBuilder(t.uri(path))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(TestServer.JSON.readTree(r.body()).path("error").path("message").asText())
                    .isEqualTo("the request body is not valid UTF-8; send JSON encoded as UTF-8");
        }
        ErrorsTest.stillServing(t);
    }
}
