package dev.nemotron.infer.server;

import dev.nemotron.infer.engine.GenerationDelta;
import dev.nemotron.infer.engine.GenerationEngine;
import dev.nemotron.infer.engine.GenerationHandle;
import dev.nemotron.infer.engine.GenerationListener;
import dev.nemotron.infer.engine.GenerationRequest;
import dev.nemotron.infer.engine.GenerationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The {@code n} generations of one HTTP request. The engine thread only enqueues events; the
 * request's own (virtual) thread takes them and writes to the socket, so a slow client never
 * stalls the engine.
 */
final class Generations {
    /** What happened to sample {@code index}. */
    sealed interface Event permits Delta, Done {
        int index();
    }

    /** A piece of text of sample {@code index}. */
    record Delta(int index, GenerationDelta delta) implements Event {
    }

    /** Sample {@code index} ended. */
    record Done(int index, GenerationResult result) implements Event {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<GenerationHandle> handles = new ArrayList<>();

    private Generations() {
    }

    /**
     * Submits every request; when one is refused, the ones already submitted are cancelled and the
     * refusal is thrown.
     *
     * @param streaming whether deltas are queued for {@link #next()} (otherwise only the ends are)
     */
    static Generations submit(GenerationEngine engine, List<GenerationRequest> requests, boolean streaming) {
        if (requests.size() > engine.capacity()) {
            // a 429 could never turn into a success: the engine can never hold this many at once
            throw ApiException.badRequest("n must be <= " + engine.capacity() + " on this server (its engine holds "
                    + engine.capacity() + " requests at most, running and queued), got " + requests.size(), "n");
        }
        Generations g = new Generations();
        try {
            for (int i = 0; i < requests.size(); i++) {
                g.handles.add(engine.submit(requests.get(i), g.listener(i, streaming)));
            }
        } catch (RuntimeException e) {
            g.cancelAll();
            throw e;
        }
        return g;
    }

    private GenerationListener listener(int index, boolean streaming) {
        return new GenerationListener() {
            @Override
            public void onDelta(GenerationDelta delta) {
                if (streaming && !delta.text().isEmpty()) {
                    events.add(new Delta(index, delta));
                }
            }

            @Override
            public void onComplete(GenerationResult result) {
                events.add(new Done(index, result));
            }
        };
    }

    int size() {
        return handles.size();
    }

    /** The next event, waiting for it. */
    Event next() throws InterruptedException {
        return events.take();
    }

    /** Every result, in sample order; cancels them all when interrupted. */
    List<GenerationResult> awaitAll() throws InterruptedException {
        List<GenerationResult> out = new ArrayList<>();
        try {
            for (GenerationHandle h : handles) {
                out.add(h.result().get());
            }
        } catch (InterruptedException e) {
            cancelAll();
            throw e;
        } catch (ExecutionException e) {
            cancelAll();
            throw new IllegalStateException("generation failed", e.getCause());
        }
        return out;
    }

    /** Stops every sample (the client went away, or the server is stopping). */
    void cancelAll() {
        handles.forEach(GenerationHandle::cancel);
    }
}
