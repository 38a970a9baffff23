// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where a {@link KubeProxy} gets the desired state of its node: manifest files ({@link #manifests}), an API server
 * ({@link #apiServer}), or the embedding program itself ({@link ClusterFeed}). A source says when it changed; the
 * proxy then reads it again. Implementations are thread-safe: {@link #changed()} is polled from the proxy's loop.
 */
public interface ClusterSource extends AutoCloseable {

    /**
     * The desired state for the node named {@code nodeName}: one table per IP family, its pod CIDRs, the problems met.
     *
     * @param nodeName this node's name
     * @return the desired state for the node named {@code nodeName}
     */
    ServiceTables.Result read(String nodeName);

    /**
     * True if something changed since the last call.
     *
     * @return true if something changed since the last call
     */
    boolean changed();

    /**
     * Called by the proxy once, before its sync loop starts: a source that learns of its changes by itself (a watch,
     * informers, a publisher) calls {@code listener} after each, so that the proxy asks {@link #changed()} at once
     * instead of at its next poll (every 100 ms). A source that does not may ignore it, as this default does.
     *
     * @param listener called after each change
     */
    default void onChange(Runnable listener) {
    }

    /**
     * Reports the objects the last translation skipped (as Kubernetes Events when the source is an API server).
     *
     * @param problems the objects that were skipped, and why
     */
    default void report(List<Problem> problems) {
    }

    /**
     * Since when the source cannot be read (its last good state is what {@link #read} gives meanwhile), or empty
     * while it reads fine. The proxy reports itself unhealthy once this is older than its health window.
     *
     * @return since when the source cannot be read (its last good state is what {@link #read} gives meanwhile), or empty while it reads fine
     */
    default Optional<Instant> unreadableSince() {
        return Optional.empty();
    }

    /** Releases what the source holds (informers, clients); a {@link KubeProxy} closes its source when it closes. */
    @Override
    default void close() {
    }

    /**
     * Manifest files (a YAML file of several documents or a {@code kind: List}, or a directory of {@code .yaml},
     * {@code .yml} and {@code .json} files), watched by their names, sizes and modification times. A file that does
     * not parse keeps its last good objects, a vanished path the whole last good state; an object defined twice is
     * taken from the first file.
     *
     * @param path a file or a directory
     * @return the source
     */
    static ClusterSource manifests(Path path) {
        return manifests(path, 64L << 20);
    }

    /**
     * As {@link #manifests(Path)}, reading no file larger than {@code maxFileBytes} (a larger one is reported).
     *
     * @param path a file or a directory
     * @param maxFileBytes the largest file read
     * @return the source
     */
    static ClusterSource manifests(Path path, long maxFileBytes) {
        return new ManifestSource(path, maxFileBytes, Clock.systemUTC());
    }

    /**
     * The API server through informers ({@code kubeconfig}, or in-cluster credentials when empty), Services,
     * EndpointSlices and this node's Node; waits up to two minutes for the first full list. Skipped objects are
     * reported as Warning Events from {@code svcproxy-NODE}.
     *
     * @param kubeconfig the kubeconfig file; empty for in-cluster credentials
     * @param nodeName this node's name
     * @param resync the informers' resync period, zero for none
     * @return the source, once the informers have listed
     */
    static ClusterSource apiServer(Optional<Path> kubeconfig, String nodeName, Duration resync) {
        ProxyConfig.ClientConnection d = ProxyConfig.ClientConnection.defaults();
        return apiServer(new ProxyConfig.ClientConnection(kubeconfig.map(Path::toString), d.qps(), d.burst(), d.contentType(),
                d.acceptContentTypes()), Optional.empty(), nodeName, resync);
    }

    /**
     * As {@link #apiServer(Optional, String, Duration)}, connected as kube-proxy connects: {@code connection} (the
     * configuration's {@code clientConnection}: kubeconfig, including a user's {@code tokenFile}, qps and burst) and
     * {@code master} ({@code --master}, which replaces the kubeconfig's server). Neither a kubeconfig nor a master: the
     * in-cluster credentials.
     *
     * @param connection the configuration's {@code clientConnection}
     * @param master the {@code --master} address, if given
     * @param nodeName this node's name
     * @param resync the informers' resync period, zero for none
     * @return the source, once the informers have listed
     */
    static ClusterSource apiServer(ProxyConfig.ClientConnection connection, Optional<String> master, String nodeName, Duration resync) {
        return ApiServerSource.start(connection, master, nodeName, resync);
    }
}
