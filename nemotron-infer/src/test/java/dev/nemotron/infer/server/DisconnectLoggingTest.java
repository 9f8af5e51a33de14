package dev.nemotron.infer.server;

import static dev.nemotron.infer.server.ErrorsTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nemotron.infer.engine.EngineConfig;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

/** A client that goes away before its (non-streamed) answer costs one log line, never an ERROR with a stack trace. */
class DisconnectLoggingTest {

    private static final class Recorder extends AbstractAppender {
        final List<LogEvent> events = new CopyOnWriteArrayList<>();

        Recorder() {
            super("disconnect-recorder", null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            events.add(event.toImmutable());
        }
    }

    @Test
    void disconnectingNonStreamedClientsLogOneLineEach() throws Exception {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        Recorder recorder = new Recorder();
        recorder.start();
        LoggerConfig root = config.getRootLogger();
        root.addAppender(recorder, Level.DEBUG, null);
        Level saved = root.getLevel();
        root.setLevel(Level.INFO);
        context.updateLoggers();
        try (TestServer slow = new TestServer(new ScriptedChatModel(TestServer.TOKENIZER, 0, true, 2),
                new EngineConfig(4, 4, 1L << 30), 4096, ServerConfig.defaults())) {
            String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"/no_think go\"}],\"max_tokens\":100}";
            for (int i = 0; i < 3; i++) {
                try (Socket s = new Socket("127.0.0.1", slow.server.port())) {
                    OutputStream out = s.getOutputStream();
                    out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length()
                            + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    waitFor(() -> slow.server.inFlight() == 1);
                    s.setSoLinger(true, 0);          // reset: the server's answer cannot be delivered
                }
                waitFor(() -> slow.server.inFlight() == 0);
            }
            assertThat(slow.get("/health").status()).isEqualTo(200);
        } finally {
            root.removeAppender(recorder.getName());
            root.setLevel(saved);
            context.updateLoggers();
        }
        List<LogEvent> server = recorder.events.stream()
                .filter(e -> e.getLoggerName().startsWith("dev.nemotron.infer.server")).toList();
        assertThat(server).allSatisfy(e -> {
            assertThat(e.getThrown()).as(e.getMessage().getFormattedMessage()).isNull();
            assertThat(e.getLevel().isMoreSpecificThan(Level.ERROR)).as(e.getMessage().getFormattedMessage()).isFalse();
        });
        // one line per disconnect at most (a write into a reset connection fails, one that was still buffered may not)
        assertThat(server.stream().filter(e -> e.getLevel().isMoreSpecificThan(Level.INFO)
                && !e.getLoggerName().endsWith("OpenAiServer")).count()).isLessThanOrEqualTo(3);
    }
}
