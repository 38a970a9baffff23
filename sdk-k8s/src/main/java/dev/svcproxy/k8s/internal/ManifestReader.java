// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import dev.svcproxy.k8s.Problem;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
    /**
     * Jackson with fabric8's model (0.4-0.5 s to make, cold), made at the first conversion that needs it: Services and
     * EndpointSlices are built without it ({@link KubeObjectMaps}) unless they hold a field that class leaves to
     * Jackson; Nodes and ServiceCIDRs always use it.
     */
    private static final class Jackson {
        static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    }

    private final List<Service> services = new ArrayList<>();
    private final List<EndpointSlice> slices = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final List<io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR> serviceCidrs = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();

    /** The largest manifest file read by default: 64 MiB. */
    public static final long MAX_FILE_BYTES = 64L << 20;

    /** What one file gave: its objects and problems, or why it could not be read at all. */
    public record FileRead(KubeObjects objects, Optional<String> failure) {
    }

    /** Reads {@code path}: a file, or every manifest file of a directory ({@link #files}), in name order. */
    public static KubeObjects read(Path path) {
        ManifestReader r = new ManifestReader();
        try {
            for (Path p : files(path)) {
                FileRead f = readFile(p, MAX_FILE_BYTES);
                f.failure().ifPresent(why -> r.problems.add(new Problem("Manifests", p.toString(), why)));
                r.add(f.objects());
            }
        } catch (IOException e) {
            r.problems.add(new Problem("Manifests", path.toString(), "cannot list: " + reason(e)));
        }
        return r.result();
    }

    /** {@code path} itself if it is not a directory, else its {@code .yaml}, {@code .yml} and {@code .json} files, sorted. */
    public static List<Path> files(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                throw new NoSuchFileException(path.toString());
            }
            return List.of(path);
        }
        try (Stream<Path> files = Files.list(path)) {
            return files.filter(ManifestReader::isManifestName).sorted().toList();
        }
    }

    /** Whether {@code p} is named as a manifest file in a directory: {@code .yaml}, {@code .yml} or {@code .json}. */
    public static boolean isManifestName(Path p) {
        return p.getFileName().toString().matches(".*\\.(ya?ml|json)");
    }

    /**
     * Reads one file. Only a regular file (after symbolic links) of at most {@code maxBytes} is read: a FIFO, a device
     * or an oversized file is refused with the reason, as is a file that cannot be read or is not valid YAML.
     */
    public static FileRead readFile(Path p, long maxBytes) {
        ManifestReader r = new ManifestReader();
        String text;
        try {
            if (!Files.isRegularFile(p)) {
                return failed(Files.exists(p) ? "not a regular file (a FIFO, device or directory is never read)" : "no such file");
            }
            long size = Files.size(p);
            if (size > maxBytes) {
                return failed("too large: " + size + " bytes (the limit is " + maxBytes + ")");
            }
            text = Files.readString(p);
        } catch (IOException e) {
            return failed("cannot read: " + reason(e));
        }
        Optional<String> failure = r.text(text, p.toString());
        return new FileRead(r.result(), failure);
    }

    private static FileRead failed(String why) {
        return new FileRead(new ManifestReader().result(), Optional.of(why));
    }

    /** An I/O error's reason, whatever its type: {@code no such file}, {@code permission denied}, or its message. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private void add(KubeObjects o) {
        services.addAll(o.services());
        slices.addAll(o.endpointSlices());
        nodes.addAll(o.nodes());
        serviceCidrs.addAll(o.serviceCidrs());
        problems.addAll(o.problems());
    }

    public static KubeObjects parse(String yaml, String source) {
        ManifestReader r = new ManifestReader();
        r.text(yaml, source).ifPresent(why -> r.problems.add(new Problem("Manifests", source, why)));
        return r.result();
    }

    private KubeObjects result() {
        return new KubeObjects(services, slices, nodes, serviceCidrs, problems);
    }

    /**
     * Parses the documents of {@code yaml}; a YAML error fails the whole text (returned, not added to problems). A
     * large text is cut at document markers into one part per processor, and each part is parsed (snakeyaml) and
     * converted on a thread of its own, the first on the caller's; the parts' objects and problems are
     * joined in text order. YAML forbids a document marker ({@code ---} at the start of a line) inside any scalar, so
     * the parts hold the same documents as the whole; a text with directives ({@code %YAML}, {@code %TAG}, which
     * belong to the document after them) is read whole. If a part does not parse, the whole text is parsed again
     * ({@link #invalid}), so the error names its line in the file.
     */
    private Optional<String> text(String yaml, String source) {
        List<String> parts = parts(yaml, PARTS);
        if (parts.size() == 1) {
            return whole(yaml, source);
        }
        List<Future<ManifestReader>> read = new ArrayList<>();
        for (String part : parts.subList(1, parts.size())) {
            read.add(READERS.submit(() -> part(part, source)));
        }
        List<ManifestReader> done = new ArrayList<>();
        try {
            done.add(part(parts.get(0), source));
            for (Future<ManifestReader> f : read) {
                done.add(join(f));
            }
        } catch (YamlEngineException e) {
            read.forEach(f -> f.cancel(true));
            return Optional.of(invalid(yaml, e));
        }
        done.forEach(r -> add(r.result()));
        return Optional.empty();
    }

    /** Parses and converts the documents of one part; throws if it is not valid YAML. */
    private static ManifestReader part(String yaml, String source) {
        ManifestReader r = new ManifestReader();
        for (Object d : documents(yaml)) {
            r.object(d, source);
        }
        return r;
    }

    /** Reads the text in one part, each document converted as it is parsed; nothing of a text that is not valid YAML stays. */
    private Optional<String> whole(String yaml, String source) {
        try {
            add(part(yaml, source).result());
            return Optional.empty();
        } catch (YamlEngineException e) {
            return Optional.of(invalid(yaml, e));
        }
    }

    /**
     * The documents of {@code yaml}, parsed one at a time as they are taken. Without marks (each token's position in
     * the text, 30 MB of garbage for 1,000 Services and their slices), so an error is explained by {@link #invalid}.
     */
    private static Iterable<Object> documents(String yaml) {
        return load(false).loadAllFromString(yaml);
    }

    private static Load load(boolean marks) {
        return new Load(LoadSettings.builder().setSchema(ManifestSchema.INSTANCE).setUseMarks(marks).build());
    }

    /** Why {@code yaml} is not valid YAML, with the line and column of the error: it is parsed again, with marks. */
    private static String invalid(String yaml, YamlEngineException withoutMarks) {
        YamlEngineException e = withoutMarks;
        try {
            load(true).loadAllFromString(yaml).forEach(d -> { });
        } catch (YamlEngineException withMarks) {
            e = withMarks;
        }
        return "not valid YAML: " + e.getMessage().replace('\n', ' ');
    }

    /**
     * {@code yaml} cut before document markers into at most {@code n} parts of about equal length, none shorter than
     * {@link #PART_FROM} characters; the whole text alone if it is short or has a directive.
     */
    static List<String> parts(String yaml, int n) {
        if (n < 2 || yaml.length() < 2 * PART_FROM || yaml.startsWith("%") || yaml.contains("\n%")) {
            return List.of(yaml);
        }
        List<String> out = new ArrayList<>();
        int from = 0;
        for (int i = 1; i < n; i++) {
            int cut = marker(yaml, Math.max(from + PART_FROM, (int) ((long) yaml.length() * i / n)));
            if (cut < 0 || yaml.length() - cut < PART_FROM) {
                break;
            }
            out.add(yaml.substring(from, cut));
            from = cut;
        }
        out.add(yaml.substring(from));
        return out;
    }

    /** The start of the first line at or after {@code from} that is a document marker ({@code ---} then a blank or the end), or -1. */
    private static int marker(String yaml, int from) {
        for (int i = yaml.indexOf("\n---", from - 1); i >= 0; i = yaml.indexOf("\n---", i + 1)) {
            int after = i + 4;
            if (after == yaml.length() || " \t\r\n".indexOf(yaml.charAt(after)) >= 0) {
                return i + 1;
            }
        }
        return -1;
    }

    /**
     * The shortest part a text is cut into (in characters). Two parts of a 0.6 MiB text (1,000 Services and their
     * slices) were read 0.14 s later than the whole text in a cold JVM (measured when Jackson converted the
     * documents): both threads wait on the same classes' first use. Ten times that text was read in 2.35-2.64 s in two
     * parts instead of 2.94-4.18 s.
     */
    static final int PART_FROM = 512 * 1024;

    /** How many parts a large text is cut into: one per processor, at most four. */
    private static final int PARTS = Math.min(4, Runtime.getRuntime().availableProcessors());

    /** Daemon threads that read the parts after the first; stopped after 10 s idle. */
    private static final ExecutorService READERS = readers();

    private static ExecutorService readers() {
        int threads = Math.max(1, PARTS - 1);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                DaemonThreads.named("svcproxy-manifest-read"));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static ManifestReader join(Future<ManifestReader> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading manifests", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
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
        String wanted = switch (kind) {
            case "Service", "Node" -> "v1";
            case "EndpointSlice" -> "discovery.k8s.io/v1";
            case "ServiceCIDR" -> "networking.k8s.io/v1";
            default -> null;
        };
        if (wanted != null && !wanted.equals(String.valueOf(m.get("apiVersion")))) {
            problems.add(new Problem(kind, name, "apiVersion '" + m.get("apiVersion") + "' is not " + wanted
                    + ", the only one svcproxy reads; skipped (in " + source + ")"));
            return;
        }
        try {
            switch (kind) {
                case "Service" -> services.add(KubeObjectTrim.service(KubeObjectMaps.service(m)
                        .orElseGet(() -> Jackson.SERIALIZATION.convertValue(m, Service.class))));
                case "EndpointSlice" -> slices.add(KubeObjectTrim.endpointSlice(KubeObjectMaps.endpointSlice(m)
                        .orElseGet(() -> Jackson.SERIALIZATION.convertValue(m, EndpointSlice.class))));
                case "Node" -> nodes.add(Jackson.SERIALIZATION.convertValue(m, Node.class));
                case "ServiceCIDR" -> serviceCidrs.add(Jackson.SERIALIZATION.convertValue(m, io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR.class));
                default -> problems.add(new Problem(kind, name, "ignored: svcproxy reads Services, EndpointSlices, Nodes and ServiceCIDRs (in "
                        + source + ")"));
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
