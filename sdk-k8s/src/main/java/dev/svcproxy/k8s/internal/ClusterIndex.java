// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.k8s.Problem;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Services and EndpointSlices a source holds, and what they translate to, kept up to date one object at a time:
 * a source hands over only what changed ({@link #service}, {@link #slice}; informers do), or its whole list
 * ({@link #replaceAll}; the manifest files, compared by identity), and {@link #translate} translates again only the
 * Services that changed or whose EndpointSlices did, as kube-proxy's change trackers do. What did not change is
 * reused as it was: the same {@link VirtualService} objects, in the same sorted list.
 *
 * <p>A Service's EndpointSlices are taken in the order of their names (kube-proxy's order among them is its map's,
 * which is random), so that a translation does not depend on the order the slices came in. Not thread-safe: a source
 * confines its index to its reads.
 */
public final class ClusterIndex {
    static final String TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time";
    private static final Comparator<EndpointSlice> BY_NAME = Comparator.comparing(s -> s.getMetadata().getName());

    /** One family's translation: each Service's entry, the service ports in order, the Services that met problems. */
    private static final class Family {
        final Map<KubeObjects.Key, Entry> entries = new HashMap<>();
        final TreeMap<KubeObjects.Key, List<Problem>> problems = new TreeMap<>(
                Comparator.comparing(KubeObjects.Key::namespace).thenComparing(KubeObjects.Key::name));
        List<VirtualService> sorted = List.of();
    }

    private record Entry(List<VirtualService> services) {
    }

    /**
     * What {@link #translate} gives: per family the service ports sorted by name, the problems the translations met,
     * and per Service ({@code ns/name}) the latest {@code endpoints.kubernetes.io/last-change-trigger-time} of its
     * EndpointSlices.
     *
     * @param services per family, the service ports sorted by name
     * @param problems the problems of the objects' translation
     * @param triggers per Service, the latest trigger time of its EndpointSlices
     */
    public record Translation(Map<IpFamily, List<VirtualService>> services, List<Problem> problems, Map<String, Instant> triggers) {
    }

    private final Map<KubeObjects.Key, Service> services = new HashMap<>();
    private final Map<KubeObjects.Key, EndpointSlice> slices = new HashMap<>();
    /** The EndpointSlices of each Service (by the Service's key), sorted by name. */
    private final Map<KubeObjects.Key, List<EndpointSlice>> groups = new HashMap<>();
    /** The Services to translate again: changed, or their EndpointSlices did. */
    private final Set<KubeObjects.Key> dirty = new HashSet<>();
    private final Map<IpFamily, Family> families = new EnumMap<>(IpFamily.class);
    private final Map<String, Instant> triggers = new HashMap<>();
    private Map<String, Instant> triggersView = Map.of();
    private String node;
    private Optional<String> zone = Optional.empty();

    /**
     * Sets the Service at {@code key}, or removes it ({@code s} null). The same object again changes nothing.
     *
     * @param key the Service's namespace and name
     * @param s the Service, or null if it is gone
     */
    public void service(KubeObjects.Key key, Service s) {
        Service old = s == null ? services.remove(key) : services.put(key, s);
        if (old != s) {
            dirty.add(key);
        }
    }

    /**
     * Sets the EndpointSlice at {@code key}, or removes it ({@code s} null): the Service its
     * {@code kubernetes.io/service-name} label names is translated again, and the one it named before if that changed.
     * The same object again changes nothing.
     *
     * @param key the EndpointSlice's namespace and name
     * @param s the EndpointSlice, or null if it is gone
     */
    public void slice(KubeObjects.Key key, EndpointSlice s) {
        EndpointSlice old = s == null ? slices.remove(key) : slices.put(key, s);
        if (old == s) {
            return;
        }
        KubeObjects.Key was = old == null ? null : owner(old);
        if (was != null) {
            List<EndpointSlice> group = new ArrayList<>(groups.getOrDefault(was, List.of()));
            group.removeIf(o -> o == old);
            setGroup(was, group);
        }
        KubeObjects.Key is = s == null ? null : owner(s);
        if (is != null) {
            List<EndpointSlice> group = new ArrayList<>(groups.getOrDefault(is, List.of()));
            group.add(s);
            group.sort(BY_NAME);
            setGroup(is, group);
        }
    }

    private void setGroup(KubeObjects.Key service, List<EndpointSlice> group) {
        if (group.isEmpty()) {
            groups.remove(service);
        } else {
            groups.put(service, List.copyOf(group));
        }
        dirty.add(service);
        Instant latest = null;
        for (EndpointSlice s : group) {
            Instant t = trigger(s);
            latest = t == null || latest != null && latest.isAfter(t) ? latest : t;
        }
        Instant before = latest == null ? triggers.remove(service.toString()) : triggers.put(service.toString(), latest);
        if (!java.util.Objects.equals(before, latest)) {
            triggersView = null;
        }
    }

    /**
     * Replaces every Service and EndpointSlice with those given (a source that reads its whole state each time): the
     * first object of each namespace and name is kept, a later one is reported, and so is one without a name.
     * Objects that are the very same as before change nothing.
     *
     * @param newServices the Services
     * @param newSlices the EndpointSlices
     * @param problems where objects defined twice or without a name are reported
     */
    public void replaceAll(List<Service> newServices, List<EndpointSlice> newSlices, List<Problem> problems) {
        replace(services, firstOfEach(newServices, problems), this::service);
        replace(slices, firstOfEach(newSlices, problems), this::slice);
    }

    /** Removes through {@code set} what {@code held} has and {@code next} lacks, then sets all of {@code next}. */
    private static <T> void replace(Map<KubeObjects.Key, T> held, Map<KubeObjects.Key, T> next,
                                    java.util.function.BiConsumer<KubeObjects.Key, T> set) {
        List<KubeObjects.Key> gone = new ArrayList<>();
        for (KubeObjects.Key k : held.keySet()) {
            if (!next.containsKey(k)) {
                gone.add(k);
            }
        }
        gone.forEach(k -> set.accept(k, null));
        next.forEach(set);
    }

    /**
     * The first object of each namespace/name, in the order given: a later one with the same name (a manifest copied
     * beside the original, say) is reported and skipped, so that one duplicate never stops the others.
     */
    private static <T extends HasMetadata> Map<KubeObjects.Key, T> firstOfEach(List<T> objects, List<Problem> problems) {
        Map<KubeObjects.Key, T> out = new HashMap<>(objects.size() * 4 / 3 + 1);
        for (T o : objects) {
            String kind = Optional.ofNullable(o.getKind()).orElse(o.getClass().getSimpleName());
            if (o.getMetadata() == null || o.getMetadata().getName() == null || o.getMetadata().getName().isEmpty()) {
                problems.add(new Problem(kind, "(no name)", "has no metadata.name; ignored"));
                continue;
            }
            KubeObjects.Key id = KubeObjects.key(o);
            if (out.putIfAbsent(id, o) != null) {
                problems.add(new Problem(kind, id.toString(), "defined more than once; the first definition is kept"));
            }
        }
        return out;
    }

    /**
     * Translates again what changed since the last call (everything when the node or its zone changed) and gives
     * the whole result; what did not change is the same objects as last time.
     *
     * @param nodeName this node's name
     * @param nodeZone this node's zone, if it has one
     * @return the service ports of each family, the problems, the trigger times
     */
    public Translation translate(String nodeName, Optional<String> nodeZone) {
        if (!nodeName.equals(node) || !nodeZone.equals(zone)) {
            node = nodeName;
            zone = nodeZone;
            families.clear();
            dirty.addAll(services.keySet());
        }
        Map<IpFamily, List<VirtualService>> out = new EnumMap<>(IpFamily.class);
        List<Problem> problems = new ArrayList<>();
        for (IpFamily f : IpFamily.values()) {
            Family fam = families.computeIfAbsent(f, x -> new Family());
            if (!dirty.isEmpty()) {
                update(f, fam);
            }
            out.put(f, fam.sorted);
            fam.problems.values().forEach(problems::addAll);
        }
        dirty.clear();
        if (triggersView == null) {
            triggersView = Map.copyOf(triggers);
        }
        return new Translation(Collections.unmodifiableMap(out), problems, triggersView);
    }

    /** Translates the dirty Services of family {@code f} again and merges their ports into the sorted list. */
    private void update(IpFamily f, Family fam) {
        Set<VirtualService> removed = Collections.newSetFromMap(new IdentityHashMap<>());
        List<VirtualService> fresh = new ArrayList<>();
        for (KubeObjects.Key key : dirty) {
            Entry old = fam.entries.remove(key);
            if (old != null) {
                removed.addAll(old.services());
            }
            fam.problems.remove(key);
            Service s = services.get(key);
            if (s == null) {
                continue;
            }
            List<Problem> met = new ArrayList<>();
            List<VirtualService> ports = translate(f, s, groups.getOrDefault(key, List.of()), met);
            fam.entries.put(key, new Entry(ports));
            fresh.addAll(ports);
            if (!met.isEmpty()) {
                fam.problems.put(key, List.copyOf(met));
            }
        }
        if (removed.isEmpty() && fresh.isEmpty()) {
            return;
        }
        fresh.sort(Comparator.comparing(VirtualService::name));
        List<VirtualService> merged = new ArrayList<>(fam.sorted.size() - removed.size() + fresh.size());
        int j = 0;
        for (VirtualService v : fam.sorted) {
            if (removed.contains(v)) {
                continue;
            }
            while (j < fresh.size() && fresh.get(j).name().compareTo(v.name()) < 0) {
                merged.add(fresh.get(j++));
            }
            merged.add(v);
        }
        merged.addAll(fresh.subList(j, fresh.size()));
        fam.sorted = Collections.unmodifiableList(merged);
    }

    private List<VirtualService> translate(IpFamily f, Service s, List<EndpointSlice> mine, List<Problem> met) {
        try {
            return new ServiceTranslator(f, node, zone, met).translate(s, mine);
        } catch (SvcProxyException x) {
            met.add(new Problem("Service", KubeObjects.id(s), x.getMessage() + " (service skipped)"));
            return List.of();
        }
    }

    /** The Service an EndpointSlice belongs to (its {@code kubernetes.io/service-name} label), or null. */
    private static KubeObjects.Key owner(EndpointSlice s) {
        Map<String, String> labels = s.getMetadata() == null ? null : s.getMetadata().getLabels();
        String service = labels == null ? null : labels.get(ServiceTranslator.SERVICE_NAME_LABEL);
        return service == null ? null : new KubeObjects.Key(Optional.ofNullable(s.getMetadata().getNamespace()).orElse("default"), service);
    }

    /** The slice's trigger time, or null (none, or one that does not parse: kube-proxy ignores those too). */
    private static Instant trigger(EndpointSlice s) {
        Map<String, String> annotations = s.getMetadata().getAnnotations();
        String time = annotations == null ? null : annotations.get(TRIGGER_TIME);
        if (time == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(time).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
