package dev.svcproxy.samples.cli;

import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.k8s.ClusterSnapshot;
import dev.svcproxy.k8s.KubeApiSource;
import dev.svcproxy.k8s.Problem;
import dev.svcproxy.k8s.ProblemEvents;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** Where the proxy's Services, EndpointSlices and Nodes come from: manifest files, or the API server. */
interface StateSource extends AutoCloseable {

    /** The current objects. */
    ClusterSnapshot read();

    /** True if something changed since the last call. */
    boolean changed();

    /** Reports the objects the last translation skipped (as Kubernetes Events when the source is an API server). */
    default void report(List<Problem> problems) {
    }

    @Override
    default void close() {
    }

    /** Manifest files, watched by their names, sizes and modification times. */
    static StateSource manifests(Path path) {
        ManifestWatch watch = new ManifestWatch(path);
        return new StateSource() {
            @Override
            public ClusterSnapshot read() {
                return ClusterSnapshot.load(path);
            }

            @Override
            public boolean changed() {
                return watch.changed();
            }
        };
    }

    /** The API server through informers (kubeconfig, or in-cluster credentials); waits for the first full list. */
    static StateSource api(Optional<Path> kubeconfig, String nodeName, Duration resync, Consumer<String> log) {
        AtomicBoolean dirty = new AtomicBoolean();
        KubeApiSource source = KubeApiSource.start(kubeconfig, nodeName, resync, () -> dirty.set(true));
        try {
            if (!source.awaitSynced(Duration.ofMinutes(2))) {
                throw new SvcProxyException("the informers did not list Services and EndpointSlices within 2 minutes",
                        kubeconfig.map(Path::toString).orElse("in-cluster API server"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            source.close();
            throw new SvcProxyException("interrupted while listing", "API server");
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
        dirty.set(false);
        ProblemEvents events = source.problemEvents("svcproxy-" + nodeName, log);
        return new StateSource() {
            @Override
            public ClusterSnapshot read() {
                return source.snapshot();
            }

            @Override
            public boolean changed() {
                return dirty.getAndSet(false);
            }

            @Override
            public void report(List<Problem> problems) {
                events.report(problems);
            }

            @Override
            public void close() {
                events.close();
                source.close();
            }
        };
    }
}
