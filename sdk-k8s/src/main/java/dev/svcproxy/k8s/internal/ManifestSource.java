package dev.svcproxy.k8s.internal;

import dev.svcproxy.k8s.ClusterSnapshot;
import dev.svcproxy.k8s.ClusterSource;
import dev.svcproxy.k8s.ServiceTables;
import java.nio.file.Path;

/** Manifest files as a {@link ClusterSource}, read again when their names, sizes or modification times change. */
public final class ManifestSource implements ClusterSource {
    private final Path path;
    private final ManifestWatch watch;

    public ManifestSource(Path path) {
        this.path = path;
        this.watch = new ManifestWatch(path);
    }

    @Override
    public ServiceTables.Result read(String nodeName) {
        return ServiceTables.build(ClusterSnapshot.load(path), nodeName);
    }

    @Override
    public synchronized boolean changed() {
        return watch.changed();
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
