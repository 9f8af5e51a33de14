package dev.nemotron.arch.estimate;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The heap a run really holds: the largest heap use right after a garbage collection while the
 * meter is open, and after a full collection when it is read.
 *
 * <p>Not the sum of the heap pools' peak usage: that counts the garbage that fills the young
 * generation between collections, so it grows with the default heap size rather than with the
 * work (8.3 GB for a 1.7M-parameter training run on a large machine). After a collection, the
 * heap holds the live objects (plus old garbage not collected yet): what the run needs.
 *
 * <pre>{@code
 * try (HeapMeter heap = HeapMeter.start()) {
 *     ... the run ...
 *     long peak = heap.peakAfterGcBytes();
 * }
 * }</pre>
 */
public final class HeapMeter implements AutoCloseable {
    private final AtomicLong peak = new AtomicLong();
    private final Set<String> heapPools;
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onGc;

    private HeapMeter() {
        heapPools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName).collect(Collectors.toUnmodifiableSet());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                e.addNotificationListener(listener, null, null);
                emitters.add(e);
            }
        }
    }

    /** Starts measuring: every collection from now on is seen. */
    public static HeapMeter start() {
        return new HeapMeter();
    }

    /**
     * The largest heap in use right after a collection since {@link #start()}, including one run
     * now (System.gc(): the live objects at this point count too).
     */
    public long peakAfterGcBytes() {
        System.gc();
        record(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        return peak.get();
    }

    private void onGc(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        Map<String, MemoryUsage> after = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData())
                .getGcInfo().getMemoryUsageAfterGc();
        long used = 0;
        for (Map.Entry<String, MemoryUsage> e : after.entrySet()) {
            if (heapPools.contains(e.getKey())) {
                used += e.getValue().getUsed();
            }
        }
        record(used);
    }

    private void record(long used) {
        peak.accumulateAndGet(used, Math::max);
    }

    @Override
    public void close() {
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(listener);
            } catch (ListenerNotFoundException ignored) {
                // already removed
            }
        }
        emitters.clear();
    }
}
