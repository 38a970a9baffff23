// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import dev.svcproxy.k8s.internal.DaemonThreads;
import io.fabric8.kubernetes.api.model.MicroTimeBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Kubernetes Events ({@code events.k8s.io/v1}, type Warning, reason {@value #REASON}) for the objects the proxy
 * skipped, each regarding the object itself, so {@code kubectl describe service web} shows why it is not served.
 * An event is posted when a problem first appears, not on every sync; one that goes away and comes back is posted
 * again. Posting happens on a thread of its own: an API server that is slow or gone never holds up a sync.
 */
final class ProblemEvents implements AutoCloseable {
    /** The event's reason. */
    public static final String REASON = "SkippedInvalidObject";
    private static final DateTimeFormatter MICRO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final KubernetesClient client;
    private final String instance;
    private final Consumer<String> log;
    private final ExecutorService poster = Executors.newSingleThreadExecutor(DaemonThreads.named("svcproxy-events"));
    private Set<String> current = Set.of();

    ProblemEvents(KubernetesClient client, String instance, Consumer<String> log) {
        this.client = client;
        this.instance = instance;
        this.log = log;
    }

    /** Reports the problems of the latest translation: events for those not reported since they last appeared. */
    public synchronized void report(Collection<Problem> problems) {
        Set<String> now = new HashSet<>();
        for (Problem p : problems) {
            now.add(p.toString());
            if (!current.contains(p.toString())) {
                poster.execute(() -> post(p));
            }
        }
        current = now;
    }

    private void post(Problem p) {
        int slash = p.object().indexOf('/');
        String namespace = slash < 0 ? "default" : p.object().substring(0, slash);
        String name = p.object().substring(slash + 1);
        Instant at = Instant.now();
        Event e = new EventBuilder()
                .withNewMetadata().withNamespace(namespace)
                .withName(name + "." + Long.toHexString(at.toEpochMilli() * 1000 + at.getNano() / 1000 % 1000)).endMetadata()
                .withEventTime(new MicroTimeBuilder().withTime(MICRO.format(at)).build())
                .withType("Warning").withReason(REASON).withAction("Sync")
                .withNote(p.message().length() > 1000 ? p.message().substring(0, 1000) : p.message())
                .withReportingController("svcproxy.dev/kube-proxy").withReportingInstance(instance)
                .withRegarding(new ObjectReferenceBuilder().withKind(p.kind()).withName(name)
                        .withNamespace(slash < 0 ? null : namespace).withApiVersion(apiVersion(p.kind())).build())
                .build();
        try {
            client.events().v1().events().inNamespace(namespace).resource(e).create();
        } catch (RuntimeException ex) {
            log.accept("cannot post event for " + p.kind() + " " + p.object() + ": " + ex.getMessage());
        }
    }

    private static String apiVersion(String kind) {
        return kind.toLowerCase(Locale.ROOT).equals("endpointslice") ? "discovery.k8s.io/v1" : "v1";
    }

    /** Waits up to 5 s for events still being posted. */
    @Override
    public void close() {
        poster.shutdown();
        try {
            poster.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
