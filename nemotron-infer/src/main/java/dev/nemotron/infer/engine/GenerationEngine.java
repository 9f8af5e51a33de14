package dev.nemotron.infer.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Continuous batching over one {@link LanguageModel}, on a thread of its own.
 *
 * <pre>
 * loop:
 * 1. drop cancelled requests (their memory is released at once)
 * 2. admit queued requests, oldest first, while the batch has room and their worst-case cache
 *    (prompt + max new tokens) fits the budget, and their blocks fit the model's own pool (a
 *    device's paged KV cache: {@link LanguageModel#sequenceBlocks}, {@link LanguageModel#poolBlocks})
 * 3. prefill: at most {@link EngineConfig#prefillChunkTokens()} prompt tokens of the admitted
 *    requests while other sequences are decoding (all of them when none is), oldest first (a
 *    long prompt takes several steps); a request whose prompt is done
 *    chooses its first token and joins the batch. With chunk 0, or a model that cannot prefill
 *    in pieces, each admitted prompt is prefilled whole here.
 * 4. decode one token for every running sequence together; choose, accept; finished requests
 *    leave the batch, so new ones can join at the next step
 * </pre>
 *
 * Chunking bounds how long running streams wait between two tokens while a long prompt is
 * admitted: one chunk's prefill instead of the whole prompt's.
 *
 * Requests that could never fit the budget fail at submit; the others wait, so the engine never
 * runs out of memory. Events are delivered on the engine thread: listeners must be quick.
 */
public final class GenerationEngine implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(GenerationEngine.class);

    private final LanguageModel model;
    private final TextCodec codec;
    private final EngineConfig config;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Deque<ActiveRequest> queue = new ArrayDeque<>();
    private final List<Running> running = new ArrayList<>();
    private final Thread thread;
    private long reservedBytes;
    private long reservedBlocks;
    private int admitting;         // taken from the queue, prefill not yet done
    private volatile boolean closed;

    private record Running(ActiveRequest request, ModelSequence sequence, Reservation reserved, int[] lastToken) {
    }

    /** What an admitted request holds until it ends: host cache bytes and blocks of the model's pool. */
    private record Reservation(long bytes, long blocks) {
    }

    /** An admitted request whose prompt is being prefilled in chunks; engine thread only. */
    private static final class Prefilling {
        final ActiveRequest request;
        final Reservation reserved;
        ModelSequence sequence;
        int done;

        Prefilling(ActiveRequest request, Reservation reserved) {
            this.request = request;
            this.reserved = reserved;
        }
    }

    /** Admitted requests prefilled in chunks, oldest first (engine thread; close after the thread ends). */
    private final Deque<Prefilling> prefilling = new ArrayDeque<>();

    /** @param codec the tokenizer side: text, {@code </think>}, end-of-sequence ids */
    public GenerationEngine(LanguageModel model, TextCodec codec, EngineConfig config) {
        this.model = model;
        this.codec = codec;
        this.config = config;
        this.thread = Thread.ofPlatform().name("nemotron-engine").daemon().start(this::loop);
    }

    public LanguageModel model() {
        return model;
    }

    public EngineConfig config() {
        return config;
    }

    /** Requests running now. */
    public int runningCount() {
        lock.lock();
        try {
            return running.size();
        } finally {
            lock.unlock();
        }
    }

    /** Requests the engine holds at most, running and queued together: {@code maxBatch + maxQueued}. */
    public int capacity() {
        return config.maxBatch() + config.maxQueued();
    }

    /** Requests waiting for admission now. */
    public int queuedCount() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Blocks of the model's pool ({@link LanguageModel#poolBlocks()}) reserved by admitted requests now. */
    public long reservedBlocks() {
        lock.lock();
        try {
            return reservedBlocks;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes reserved by admitted requests now. */
    public long reservedBytes() {
        lock.lock();
        try {
            return reservedBytes;
        } finally {
            lock.unlock();
        }
    }

    public TextCodec codec() {
        return codec;
    }

    /**
     * Queues a generation; events go to {@code listener} on the engine thread.
     *
     * @throws EngineOverloadedException when the queue is full
     * @throws dev.nemotron.api.NemotronException when the request is invalid or could never fit
     *     the cache budget
     */
    public GenerationHandle submit(GenerationRequest request, GenerationListener listener) {
        SampledRequest r = new SampledRequest(request, codec, listener, this::poke);
        submit(r);
        return r;
    }

    /**
     * Queues several generations at once, all or none: the engine sees every one of them at its
     * next admission, so which requests share a batch depends on the list, not on how fast the
     * caller submits (a rollout that must be reproducible from its seeds submits this way). Each
     * request's events go to its own listener.
     *
     * @throws EngineOverloadedException when the queue cannot take all of them (none is queued)
     * @throws dev.nemotron.api.NemotronException when a request is invalid or could never fit the
     *     cache budget (none is queued)
     */
    public List<GenerationHandle> submitAll(List<GenerationRequest> requests, List<? extends GenerationListener> listeners) {
        if (requests.size() != listeners.size()) {
            throw new IllegalArgumentException(requests.size() + " requests but " + listeners.size() + " listeners");
        }
        List<SampledRequest> sampled = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            sampled.add(new SampledRequest(requests.get(i), codec, listeners.get(i), this::poke));
        }
        enqueue(sampled);
        return List.copyOf(sampled);
    }

    /** Generates to the end and returns the result (a convenience over {@link #submit}). */
    public GenerationResult generate(GenerationRequest request) {
        return submit(request, GenerationListener.ignoringDeltas()).result().join();
    }

    void submit(ActiveRequest request) {
        enqueue(List.of(request));
    }

    /** Checks every request against the budget and the pool, then queues all of them under one lock, or none. */
    private void enqueue(List<? extends ActiveRequest> requests) {
        for (ActiveRequest request : requests) {
            checkFits(request);
        }
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("engine closed");
            }
            // the queue may hold maxQueued requests beyond the batch's free places: counting what runs
            // (or is being admitted) too keeps a burst that the engine has not yet admitted from a false 429
            if (queue.size() + running.size() + admitting + requests.size() > capacity()) {
                throw new EngineOverloadedException("the engine's queue is full (" + config.maxQueued()
                        + " requests waiting); try again later");
            }
            queue.addAll(requests);
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void checkFits(ActiveRequest request) {
        Reservation need = worstCase(request);
        if (need.bytes() > config.cacheBudgetBytes()) {
            throw new dev.nemotron.api.NemotronException("request needs " + need.bytes() + " bytes of cache for "
                    + request.promptIds().length + " prompt + " + request.maxNewTokens()
                    + " new tokens, more than the engine's whole budget of " + config.cacheBudgetBytes()
                    + " bytes: lower max_tokens or shorten the prompt");
        }
        if (need.blocks() > model.poolBlocks()) {
            throw new dev.nemotron.api.NemotronException("request needs " + need.blocks() + " KV cache blocks for "
                    + request.promptIds().length + " prompt + " + request.maxNewTokens() + " new tokens, more than the"
                    + " model's whole pool of " + model.poolBlocks() + " blocks: lower max_tokens or shorten the prompt,"
                    + " or give the device a larger KV cache");
        }
    }

    private Reservation worstCase(ActiveRequest r) {
        long tokens = (long) r.promptIds().length + r.maxNewTokens();
        return new Reservation(model.sequenceBytes(tokens), model.sequenceBlocks(tokens));
    }

    /** Wakes the loop (after a cancellation, for instance). */
    void poke() {
        lock.lock();
        try {
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        while (!closed) {
            try {
                step();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable e) {
                LOG.error("engine step failed; failing the running requests: {}", e.toString());
                failAll(e);
            }
        }
    }

    private void step() throws InterruptedException {
        // 1. cancelled requests leave
        List<ActiveRequest> admitted = new ArrayList<>();
        lock.lock();
        try {
            dropCancelled();
            // 2. admission
            while (!queue.isEmpty() && running.size() + admitting < config.maxBatch()) {
                ActiveRequest next = queue.peekFirst();
                if (next.cancelled()) {
                    queue.pollFirst();
                    next.finish(FinishReason.CANCELLED, null);
                    continue;
                }
                Reservation need = worstCase(next);
                if (reservedBytes + need.bytes() > config.cacheBudgetBytes()
                        || need.blocks() > model.poolBlocks() - reservedBlocks) {
                    break;  // waits until running requests end
                }
                queue.pollFirst();
                reservedBytes += need.bytes();
                reservedBlocks += need.blocks();
                admitted.add(next);
                admitting++;
            }
            if (running.isEmpty() && admitted.isEmpty() && prefilling.isEmpty()) {
                work.await(100, TimeUnit.MILLISECONDS);
                return;
            }
        } finally {
            lock.unlock();
        }
        boolean chunked = config.prefillChunkTokens() > 0 && model.prefillsInPieces();
        for (ActiveRequest r : admitted) {
            if (chunked) {
                prefilling.addLast(new Prefilling(r, worstCase(r)));
            } else {
                prefill(r);
            }
        }
        if (chunked) {
            // nothing decoding: nobody waits, so the prompts are prefilled without a budget
            boolean streams;
            lock.lock();
            try {
                streams = !running.isEmpty();
            } finally {
                lock.unlock();
            }
            prefillChunk(streams ? config.prefillChunkTokens() : Integer.MAX_VALUE);
        }
        decodeStep();
    }

    /**
     * Up to {@code budget} prompt tokens of the prefilling requests, oldest first. A request whose
     * piece fails (or that was cancelled) ends alone; its reservation is released.
     */
    private void prefillChunk(int budget) {
        while (budget > 0 && !prefilling.isEmpty()) {
            Prefilling p = prefilling.peekFirst();
            ActiveRequest r = p.request;
            int[] prompt = r.promptIds();
            try {
                if (r.cancelled()) {
                    endPrefill(p);
                    if (p.sequence != null) {
                        releaseQuietly(p.sequence);
                    }
                    release(p.reserved);
                    r.finish(FinishReason.CANCELLED, null);
                    continue;
                }
                if (p.sequence == null) {
                    p.sequence = model.newSequence();
                }
                int n = Math.min(budget, prompt.length - p.done);
                int[] piece = java.util.Arrays.copyOfRange(prompt, p.done, p.done + n);
                budget -= n;
                if (p.done + n < prompt.length) {
                    model.extend(p.sequence, piece);
                    p.done += n;
                    continue;
                }
                float[] logits = model.prefill(p.sequence, piece);
                p.done += n;
                endPrefill(p);
                int token = r.choose(logits, 0, model.vocabSize());
                if (r.accept(token)) {
                    releaseQuietly(p.sequence);
                    release(p.reserved);
                } else {
                    lock.lock();
                    try {
                        running.add(new Running(r, p.sequence, p.reserved, new int[] {token}));
                    } finally {
                        lock.unlock();
                    }
                }
            } catch (Throwable e) {
                LOG.warn("prefill failed; failing that request: {}", e.toString());
                if (prefilling.peekFirst() == p) {
                    endPrefill(p);
                }
                if (p.sequence != null) {
                    releaseQuietly(p.sequence);
                }
                finishQuietly(r, e);
                release(p.reserved);
            }
        }
    }

    /** Takes {@code p} (the head) off the prefilling list; it no longer counts as being admitted. */
    private void endPrefill(Prefilling p) {
        prefilling.pollFirst();
        lock.lock();
        try {
            admitting--;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Prefills one admitted request and chooses its first token. Whatever fails (an {@link Error}
     * included) fails this request alone: it is finished and its reservation released.
     */
    private void prefill(ActiveRequest r) {
        try {
            prefillOne(r);
        } finally {
            lock.lock();
            try {
                admitting--;
            } finally {
                lock.unlock();
            }
        }
    }

    private void prefillOne(ActiveRequest r) {
        Reservation reserved = worstCase(r);
        ModelSequence seq = null;
        try {
            seq = model.newSequence();
            float[] logits = model.prefill(seq, r.promptIds());
            int token = r.choose(logits, 0, model.vocabSize());
            if (r.accept(token)) {
                seq.release();
                release(reserved);
            } else {
                lock.lock();
                try {
                    running.add(new Running(r, seq, reserved, new int[] {token}));
                } finally {
                    lock.unlock();
                }
            }
        } catch (Throwable e) {
            LOG.warn("prefill failed; failing that request: {}", e.toString());
            if (seq != null) {
                releaseQuietly(seq);
            }
            finishQuietly(r, e);
            release(reserved);
        }
    }

    private void decodeStep() {
        List<Running> batch;
        lock.lock();
        try {
            dropCancelled();
            batch = List.copyOf(running);
        } finally {
            lock.unlock();
        }
        if (batch.isEmpty()) {
            return;
        }
        int n = batch.size();
        int vocab = model.vocabSize();
        int[] tokens = new int[n];
        List<ModelSequence> seqs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            tokens[i] = batch.get(i).lastToken()[0];
            seqs.add(batch.get(i).sequence());
        }
        List<Running> done = new ArrayList<>();
        float[] logits;
        try {
            logits = model.decode(seqs, tokens);
        } catch (Throwable e) {
            // the batch's forward pass failed: every sequence in it is lost, the engine goes on
            LOG.error("decode step of {} sequences failed; failing them: {}", n, e.toString());
            for (Running r : batch) {
                finishQuietly(r.request(), e);
            }
            logits = null;
            done.addAll(batch);
        }
        for (int i = 0; logits != null && i < n; i++) {
            Running r = batch.get(i);
            try {
                int token = r.request().choose(logits, i * vocab, vocab);
                r.lastToken()[0] = token;
                if (r.request().accept(token)) {
                    done.add(r);
                }
            } catch (Throwable e) {
                // this request's sampling or bookkeeping failed: it alone ends, the batch goes on
                LOG.warn("a request failed while choosing its token; failing that request: {}", e.toString());
                finishQuietly(r.request(), e);
                done.add(r);
            }
        }
        if (!done.isEmpty()) {
            lock.lock();
            try {
                for (Running r : done) {
                    running.remove(r);
                    releaseQuietly(r.sequence());
                    unreserve(r.reserved());
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void dropCancelled() {
        running.removeIf(r -> {
            if (r.request().cancelled()) {
                r.request().finish(FinishReason.CANCELLED, null);
                r.sequence().release();
                unreserve(r.reserved());
                return true;
            }
            return false;
        });
    }

    /** Finishes {@code r} as failed; a listener that throws (even an {@link Error}) cannot stop the engine. */
    private static void finishQuietly(ActiveRequest r, Throwable error) {
        try {
            r.finish(FinishReason.ERROR, error);
        } catch (Throwable e) {
            LOG.warn("finishing a failed request failed too: {}", e.toString());
        }
    }

    private static void releaseQuietly(ModelSequence seq) {
        try {
            seq.release();
        } catch (Throwable e) {
            LOG.warn("releasing a sequence failed: {}", e.toString());
        }
    }

    private void release(Reservation r) {
        lock.lock();
        try {
            unreserve(r);
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock. */
    private void unreserve(Reservation r) {
        reservedBytes -= r.bytes();
        reservedBlocks -= r.blocks();
    }

    private void failAll(Throwable e) {
        for (Prefilling p : prefilling) {
            finishQuietly(p.request, e);
            if (p.sequence != null) {
                releaseQuietly(p.sequence);
            }
        }
        lock.lock();
        try {
            admitting -= prefilling.size();
            prefilling.clear();
            for (Running r : running) {
                finishQuietly(r.request(), e);
                releaseQuietly(r.sequence());
            }
            running.clear();
            reservedBytes = 0;
            reservedBlocks = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the loop; queued and running requests end as cancelled. */
    @Override
    public void close() {
        closed = true;
        poke();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            for (Prefilling p : prefilling) {
                p.request.finish(FinishReason.CANCELLED, null);
                if (p.sequence != null) {
                    p.sequence.release();
                }
            }
            admitting -= prefilling.size();
            prefilling.clear();
            for (Running r : running) {
                r.request().finish(FinishReason.CANCELLED, null);
                r.sequence().release();
            }
            running.clear();
            for (ActiveRequest r : queue) {
                r.finish(FinishReason.CANCELLED, null);
            }
            queue.clear();
            reservedBytes = 0;
            reservedBlocks = 0;
        } finally {
            lock.unlock();
        }
    }
}
