// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import dev.svcproxy.k8s.internal.ClusterIndex;
import dev.svcproxy.k8s.internal.KubeObjects;
import dev.svcproxy.k8s.internal.ManifestReader;
import dev.svcproxy.k8s.internal.ManifestWatch;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Manifest files as a {@link ClusterSource}, watched ({@link ManifestWatch}: the files the kernel names as changed
 * are read again, the others kept as parsed), and never the cause of lost rules:
 * <ul>
 *   <li>a file that cannot be read or does not parse (an editor's half-written save) keeps its last good objects,
 *   with a warning naming it and why, until it parses again; a file that is deleted takes its objects with it;</li>
 *   <li>a path that disappears or cannot be listed keeps the whole last good state, with a warning, and counts as
 *   unreadable ({@link #unreadableSince()}) until it is back;</li>
 *   <li>an object defined in two files is taken from the first file (in name order), the other is reported naming
 *   both files;</li>
 *   <li>only regular files are read, of at most a given size (64 MiB by default).</li>
 * </ul>
 */
final class ManifestSource implements ClusterSource {
    /** A file's stamp, its objects, and the {@link #key}s of {@link #all} its objects, made once per parse. */
    private record Cached(String stamp, KubeObjects objects, List<Owned> keys) {
        Cached(String stamp, KubeObjects objects) {
            this(stamp, objects, all(objects).stream().map(ManifestSource::key).toList());
        }
    }

    private final Path path;
    private final ManifestWatch watch;
    private final Clock clock;
    private final long maxFileBytes;
    private Map<Path, Cached> files = new TreeMap<>();
    private final ClusterIndex index = new ClusterIndex();
    private Map<Owned, Path> lastOwners = Map.of();
    private Instant unreadableSince;

    ManifestSource(Path path, long maxFileBytes, Clock clock) {
        this.path = path.toAbsolutePath(); // the watch names files by absolute paths
        this.maxFileBytes = maxFileBytes;
        this.watch = new ManifestWatch(path);
        this.clock = clock;
    }

    @Override
    public synchronized ServiceTables.Result read(String nodeName) {
        List<Problem> problems = new ArrayList<>();
        Optional<Set<Path>> named = watch.takeChanged();
        Collection<Path> look;
        TreeMap<Path, Cached> next;
        boolean toldOf = named.isPresent() && unreadableSince == null; // an event named each file that changed
        if (toldOf) { // never on the first read: the watch names nothing yet
            look = named.get(); // the watch named what changed: the other files stay as they are
            next = new TreeMap<>(files);
        } else {
            next = new TreeMap<>();
            try {
                look = ManifestReader.files(path);
                unreadableSince = null;
            } catch (IOException e) {
                if (unreadableSince == null) {
                    unreadableSince = clock.instant();
                }
                problems.add(new Problem("Manifests", path.toString(), "cannot list (" + e.getClass().getSimpleName() + ": "
                        + e.getMessage() + "); the last good state stays (" + files.size() + " files) until it is back"));
                look = List.copyOf(files.keySet());
            }
        }
        for (Path p : look) {
            Cached before = files.get(p);
            String stamp = ManifestWatch.stamp(p); // parsed again only when an event named it or its stamp changed
            if (before != null && (unreadableSince != null || (!toldOf && before.stamp().equals(stamp)))) {
                next.put(p, before);
                continue;
            }
            if (named.isPresent() && stamp.equals("gone")) {
                next.remove(p); // deleted: its objects go with it
                continue;
            }
            ManifestReader.FileRead r = ManifestReader.readFile(p, maxFileBytes);
            if (r.failure().isPresent()) {
                problems.add(new Problem("Manifests", p.toString(), r.failure().get()
                        + (before != null ? "; its last good objects stay until it parses again" : "")));
                if (before != null) {
                    next.put(p, before);
                }
                continue;
            }
            next.put(p, new Cached(stamp, r.objects()));
        }
        files = next;
        return ServiceTables.build(merge(problems), nodeName, index);
    }

    /**
     * The files' objects in file order, one definition of each kind and name: the file that defined it at the last
     * read keeps it (so a copy appearing beside the original never moves live rules), else the first file in name
     * order; every other definition is reported, naming both files.
     */
    private ClusterSnapshot merge(List<Problem> problems) {
        Map<Owned, Path> owners = new HashMap<>();
        int objects = 0;
        for (Map.Entry<Path, Cached> f : files.entrySet()) {
            for (Owned key : f.getValue().keys()) {
                Path first = owners.putIfAbsent(key, f.getKey());
                if (first != null && f.getKey().equals(lastOwners.get(key))) {
                    owners.put(key, f.getKey());
                }
            }
            objects += f.getValue().keys().size();
        }
        Map<Owned, Path> defined = owners.size() == objects ? null : owners; // null: no object is defined twice
        List<io.fabric8.kubernetes.api.model.Service> services = new ArrayList<>();
        List<io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice> slices = new ArrayList<>();
        List<io.fabric8.kubernetes.api.model.Node> nodes = new ArrayList<>();
        List<io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR> serviceCidrs = new ArrayList<>();
        List<Problem> out = new ArrayList<>(problems);
        files.forEach((file, c) -> {
            out.addAll(c.objects().problems());
            keep(c.objects().services(), services, file, defined, out);
            keep(c.objects().endpointSlices(), slices, file, defined, out);
            keep(c.objects().nodes(), nodes, file, defined, out);
            keep(c.objects().serviceCidrs(), serviceCidrs, file, defined, out);
        });
        lastOwners = owners;
        return ClusterSnapshot.of(new KubeObjects(services, slices, nodes, serviceCidrs, out));
    }

    private static List<HasMetadata> all(KubeObjects o) {
        List<HasMetadata> all = new ArrayList<>(o.services());
        all.addAll(o.endpointSlices());
        all.addAll(o.nodes());
        all.addAll(o.serviceCidrs());
        return all;
    }

    private static String name(HasMetadata o) {
        return o.getMetadata() == null ? "" : KubeObjects.id(o);
    }

    /** An object's kind, namespace and name: what one definition of it is kept by (a record: no string per read). */
    private record Owned(String kind, KubeObjects.Key id) {
    }

    private static Owned key(HasMetadata o) {
        return new Owned(o.getKind(), o.getMetadata() == null ? null : KubeObjects.key(o));
    }

    /** Adds to {@code into} the objects {@code file} owns: all of them when {@code owners} is null (no duplicates). */
    private static <T extends HasMetadata> void keep(List<T> objects, List<T> into, Path file, Map<Owned, Path> owners,
                                                   List<Problem> problems) {
        if (owners == null) {
            into.addAll(objects);
            return;
        }
        for (T o : objects) {
            Path owner = owners.get(key(o));
            if (owner.equals(file)) {
                into.add(o);
            } else {
                problems.add(new Problem(o.getKind(), name(o), "defined in " + owner + " and again in " + file
                        + "; the definition in " + owner + " is kept"));
            }
        }
    }

    @Override
    public void onChange(Runnable listener) {
        watch.onChange(listener);
    }

    @Override
    public synchronized boolean changed() {
        return watch.changed();
    }

    @Override
    public synchronized void close() {
        watch.close();
    }

    @Override
    public synchronized Optional<Instant> unreadableSince() {
        return Optional.ofNullable(unreadableSince);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
