// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import dev.svcproxy.k8s.internal.ApiClients;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.k8s.internal.ClusterIndex;
import dev.svcproxy.k8s.internal.KubeObjectTrim;
import dev.svcproxy.k8s.internal.KubeObjects;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Services, EndpointSlices and this node's Node from the Kubernetes API, through fabric8 informers with
 * kube-proxy's selectors: objects labelled {@code service.kubernetes.io/service-proxy-name} or
 * {@code service.kubernetes.io/headless} are not watched; the Node is selected by {@code metadata.name}. Every
 * change calls the listener given at start, and names the changed Service or EndpointSlice for
 * {@link #applyChanges}, which hands over only those; {@link #snapshot()} is the informers' whole current view.
 */
final class KubeApiSource implements AutoCloseable {
    private final KubernetesClient client;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<EndpointSlice> slices;
    private final SharedIndexInformer<Node> nodes;
    /** Not waited for: an API server older than Kubernetes 1.33 may not serve ServiceCIDRs, and kube-proxy copes without. */
    private final SharedIndexInformer<io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR> serviceCidrs;
    /** The store keys ({@code ns/name}) of the Services and EndpointSlices changed since {@link #applyChanges} last ran. */
    private final Set<String> changedServices = ConcurrentHashMap.newKeySet();
    private final Set<String> changedSlices = ConcurrentHashMap.newKeySet();

    private KubeApiSource(KubernetesClient client, String nodeName, Duration resync, Runnable onChange) {
        this.client = client;
        long period = resync.toMillis();
        this.services = add(trimmed(client.services().inAnyNamespace().withoutLabel("service.kubernetes.io/service-proxy-name")
                .withoutLabel("service.kubernetes.io/headless").runnableInformer(period), KubeObjectTrim::service, changedServices, onChange));
        this.slices = add(trimmed(client.discovery().v1().endpointSlices().inAnyNamespace()
                .withoutLabel("service.kubernetes.io/service-proxy-name").withoutLabel("service.kubernetes.io/headless")
                .runnableInformer(period), KubeObjectTrim::endpointSlice, changedSlices, onChange));
        this.nodes = add(client.nodes().withField("metadata.name", nodeName).inform(handler(null, onChange), period));
        this.serviceCidrs = client.network().v1().serviceCIDRs().inform(handler(null, onChange), period);
        // the first list is handed over whole, whether or not its events have run yet
        changedServices.addAll(services.getStore().listKeys());
        changedSlices.addAll(slices.getStore().listKeys());
    }

    /**
     * Runs {@code informer} (blocking for its first list, as {@code inform} does) over a cache that keeps each object
     * trimmed ({@link KubeObjectTrim}: shared empty maps and lists): the informers' objects are most of an API-fed
     * proxy's heap.
     */
    private static <T extends HasMetadata> SharedIndexInformer<T> trimmed(SharedIndexInformer<T> informer, UnaryOperator<T> trim,
                                                                         Set<String> changed, Runnable onChange) {
        informer.itemStore(new BasicItemStore<>(Cache::metaNamespaceKeyFunc) {
            @Override
            public T put(String key, T obj) {
                return super.put(key, trim.apply(obj));
            }
        });
        informer.addEventHandler(handler(changed, onChange));
        informer.run();
        return informer;
    }

    private <T> SharedIndexInformer<T> add(SharedIndexInformer<T> i) {
        informers.add(i);
        return i;
    }

    /** Connects as kube-proxy's {@code clientConnection} and {@code --master} say, and starts the informers. */
    public static KubeApiSource start(ProxyConfig.ClientConnection connection, Optional<String> master, String nodeName,
                                      Duration resync, Runnable onChange) {
        return start(ApiClients.create(connection, master), nodeName, resync, onChange);
    }

    /**
     * Events for skipped objects, posted through this source's client as {@code reportingInstance} (e.g.
     * {@code svcproxy-node-a}); {@code log} hears of events that could not be posted.
     */
    public ProblemEvents problemEvents(String reportingInstance, java.util.function.Consumer<String> log) {
        return new ProblemEvents(client, reportingInstance, log);
    }

    /** Starts informers on an existing client (closed with this source). */
    public static KubeApiSource start(KubernetesClient client, String nodeName, Duration resync, Runnable onChange) {
        try {
            return new KubeApiSource(client, nodeName, resync, onChange);
        } catch (KubernetesClientException e) {
            client.close();
            throw new SvcProxyException("cannot watch the API server: " + e.getMessage(), client.getMasterUrl().toString());
        }
    }

    /** Calls {@code onChange} after each event, once its object's key is in {@code changed} (if not null). */
    private static <T extends HasMetadata> ResourceEventHandler<T> handler(Set<String> changed, Runnable onChange) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                changed(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                changed(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                changed(obj);
            }

            private void changed(T obj) {
                if (changed != null) {
                    changed.add(Cache.metaNamespaceKeyFunc(obj));
                }
                onChange.run();
            }
        };
    }

    /** True once every informer has listed its objects (kube-proxy waits for this before its first sync). */
    public boolean hasSynced() {
        return informers.stream().allMatch(SharedIndexInformer::hasSynced);
    }

    /** Waits up to {@code max} for {@link #hasSynced()}. */
    public boolean awaitSynced(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!hasSynced()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return true;
    }

    /**
     * Hands the Services and EndpointSlices changed since the last call to {@code index}: each as the informer's
     * store holds it now (trimmed), or its removal if the store no longer does. Events that come meanwhile are
     * handed over by the next call (an object handed over twice changes nothing the second time).
     *
     * @return how many objects were handed over
     */
    int applyChanges(ClusterIndex index) {
        List<String> s = drain(changedServices);
        for (String key : s) {
            index.service(key(key), services.getStore().getByKey(key));
        }
        List<String> e = drain(changedSlices);
        for (String key : e) {
            index.slice(key(key), slices.getStore().getByKey(key));
        }
        return s.size() + e.size();
    }

    /** Takes the keys out of {@code changed}, each before its object is read from the store (an event after refills it). */
    private static List<String> drain(Set<String> changed) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> i = changed.iterator(); i.hasNext(); ) {
            out.add(i.next());
            i.remove();
        }
        return out;
    }

    /** A store key ({@code ns/name}) as the index keys objects. */
    private static KubeObjects.Key key(String storeKey) {
        int slash = storeKey.indexOf('/');
        return slash < 0 ? new KubeObjects.Key("default", storeKey) : new KubeObjects.Key(storeKey.substring(0, slash),
                storeKey.substring(slash + 1));
    }

    /** This node's Node, if the informer has it. */
    List<Node> nodes() {
        return nodes.getStore().list();
    }

    /** The cluster's ServiceCIDRs (none if the API server does not serve them). */
    List<io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR> serviceCidrs() {
        return serviceCidrs.getStore().list();
    }

    /** The informers' current objects. */
    public ClusterSnapshot snapshot() {
        return ClusterSnapshot.of(new KubeObjects(services.getStore().list(), slices.getStore().list(), nodes.getStore().list(),
                serviceCidrs.getStore().list(), List.of()));
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
        serviceCidrs.close();
        client.close();
    }
}
