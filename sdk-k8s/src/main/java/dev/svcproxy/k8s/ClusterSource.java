package dev.svcproxy.k8s;

import dev.svcproxy.k8s.internal.ManifestSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where a {@link KubeProxy} gets the desired state of its node: manifest files ({@link #manifests}), an API server
 * ({@link #apiServer}), or the embedding program itself ({@link ClusterFeed}). A source says when it changed; the
 * proxy then reads it again. Implementations are thread-safe: {@link #changed()} is polled from the proxy's loop.
 */
public interface ClusterSource extends AutoCloseable {

    /** The desired state for the node named {@code nodeName}: one table per IP family, its pod CIDRs, the problems met. */
    ServiceTables.Result read(String nodeName);

    /** True if something changed since the last call. */
    boolean changed();

    /** Reports the objects the last translation skipped (as Kubernetes Events when the source is an API server). */
    default void report(List<Problem> problems) {
    }

    /** Releases what the source holds (informers, clients); a {@link KubeProxy} closes its source when it closes. */
    @Override
    default void close() {
    }

    /**
     * Manifest files (a YAML file of several documents or a {@code kind: List}, or a directory of {@code .yaml},
     * {@code .yml} and {@code .json} files), watched by their names, sizes and modification times.
     */
    static ClusterSource manifests(Path path) {
        return new ManifestSource(path);
    }

    /**
     * The API server through informers ({@code kubeconfig}, or in-cluster credentials when empty), Services,
     * EndpointSlices and this node's Node; waits up to two minutes for the first full list. Skipped objects are
     * reported as Warning Events from {@code svcproxy-NODE}.
     */
    static ClusterSource apiServer(Optional<Path> kubeconfig, String nodeName, Duration resync) {
        return ApiServerSource.start(kubeconfig, nodeName, resync);
    }
}
