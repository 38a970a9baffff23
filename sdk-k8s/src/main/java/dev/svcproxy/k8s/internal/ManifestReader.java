package dev.svcproxy.k8s.internal;

import dev.svcproxy.k8s.Problem;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads Services (v1), EndpointSlices (discovery.k8s.io/v1) and Nodes (v1) from a YAML file (several documents, or
 * a {@code kind: List}) or from every {@code .yaml}/{@code .yml}/{@code .json} file of a directory. A file or object
 * that does not parse becomes a {@link Problem}; everything else is still read.
 */
public final class ManifestReader {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final List<Service> services = new ArrayList<>();
    private final List<EndpointSlice> slices = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();

    public static KubeObjects read(Path path) {
        ManifestReader r = new ManifestReader();
        if (Files.isDirectory(path)) {
            try (Stream<Path> files = Files.list(path)) {
                files.filter(p -> p.getFileName().toString().matches(".*\\.(ya?ml|json)")).sorted().forEach(r::file);
            } catch (IOException e) {
                r.problems.add(new Problem("Manifests", path.toString(), "cannot list: " + e.getMessage()));
            }
        } else {
            r.file(path);
        }
        return r.result();
    }

    public static KubeObjects parse(String yaml, String source) {
        ManifestReader r = new ManifestReader();
        r.text(yaml, source);
        return r.result();
    }

    private KubeObjects result() {
        return new KubeObjects(services, slices, nodes, problems);
    }

    private void file(Path p) {
        try {
            text(Files.readString(p), p.toString());
        } catch (IOException e) {
            problems.add(new Problem("Manifests", p.toString(), "cannot read: " + e.getMessage()));
        }
    }

    private void text(String yaml, String source) {
        try {
            for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(yaml)) {
                object(doc, source);
            }
        } catch (YamlEngineException e) {
            problems.add(new Problem("Manifests", source, "not valid YAML: " + e.getMessage().replace('\n', ' ')));
        }
    }

    private void object(Object doc, String source) {
        if (doc == null) {
            return;
        }
        if (!(doc instanceof Map<?, ?> m)) {
            problems.add(new Problem("Manifests", source, "a document that is not an object"));
            return;
        }
        String kind = String.valueOf(m.get("kind"));
        if (kind.equals("List") || kind.endsWith("List") && m.get("items") instanceof List<?>) {
            if (m.get("items") instanceof List<?> items) {
                items.forEach(i -> object(i, source));
            }
            return;
        }
        String name = name(m);
        try {
            switch (kind) {
                case "Service" -> services.add(SERIALIZATION.convertValue(m, Service.class));
                case "EndpointSlice" -> slices.add(SERIALIZATION.convertValue(m, EndpointSlice.class));
                case "Node" -> nodes.add(SERIALIZATION.convertValue(m, Node.class));
                default -> problems.add(new Problem(kind, name, "ignored: svcproxy reads Services, EndpointSlices and Nodes (in " + source + ")"));
            }
        } catch (RuntimeException e) {
            problems.add(new Problem(kind, name, "does not parse: " + e.getMessage().lines().findFirst().orElse("") + " (in " + source + ")"));
        }
    }

    /** {@code namespace/name} (or just the name) from an object's metadata. */
    private static String name(Map<?, ?> m) {
        if (m.get("metadata") instanceof Map<?, ?> md) {
            Object ns = md.get("namespace");
            return (ns == null ? "" : ns + "/") + md.get("name");
        }
        return "(no metadata)";
    }
}
