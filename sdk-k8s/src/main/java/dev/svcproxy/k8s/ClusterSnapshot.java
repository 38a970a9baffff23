// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import dev.svcproxy.k8s.internal.KubeObjects;
import dev.svcproxy.k8s.internal.ManifestReader;
import java.nio.file.Path;
import java.util.List;

/**
 * Services, EndpointSlices and Nodes at one moment, read from manifest files (a YAML file with several documents
 * or a {@code kind: List}, or a directory of them). What could not be read is in {@link #problems()}.
 */
public final class ClusterSnapshot {
    private final KubeObjects objects;

    private ClusterSnapshot(KubeObjects objects) {
        this.objects = objects;
    }

    /**
     * Reads {@code path}: a file, or every {@code .yaml}, {@code .yml} and {@code .json} file of a directory.
     *
     * @param path a file or a directory of manifests
     * @return the objects read, with a problem for each that was not
     */
    public static ClusterSnapshot load(Path path) {
        return new ClusterSnapshot(ManifestReader.read(path));
    }

    /**
     * Reads YAML text; {@code source} names it in problems.
     *
     * @param yaml the YAML text
     * @param source what the text is, for problems
     * @return the objects read, with a problem for each that was not
     */
    public static ClusterSnapshot parse(String yaml, String source) {
        return new ClusterSnapshot(ManifestReader.parse(yaml, source));
    }

    static ClusterSnapshot of(KubeObjects objects) {
        return new ClusterSnapshot(objects);
    }

    KubeObjects objects() {
        return objects;
    }

    /**
     * The objects that could not be read (bad YAML, an unknown kind, a wrong apiVersion), each named.
     *
     * @return the problems, empty when everything parsed
     */
    public List<Problem> problems() {
        return objects.problems();
    }

    /** {@code 3 Services, 4 EndpointSlices, 1 Node}. */
    @Override
    public String toString() {
        return objects.services().size() + " Services, " + objects.endpointSlices().size() + " EndpointSlices, "
                + objects.nodes().size() + " Nodes";
    }
}
