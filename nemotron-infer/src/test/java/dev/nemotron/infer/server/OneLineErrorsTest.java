package dev.nemotron.infer.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Found by the http-chat-completions fuzz target: an error quoting an untrusted value must stay one line. */
class OneLineErrorsTest {
    @Test
    void aRoleHoldingALineBreakIsQuotedOnOneLine() throws Exception {
        try (TestServer t = TestServer.standard()) {
            String body = Files.readString(Path.of("src/test/resources/fuzz/chat-role-newline.json"));
            TestServer.Response r = t.post("/v1/chat/completions", body);
            assertThat(r.status()).isEqualTo(400);
            String message = r.json().get("error").get("message").asText();
            assertThat(message).contains("unknown role '\\n'").doesNotContain("\n");
        }
    }
}
