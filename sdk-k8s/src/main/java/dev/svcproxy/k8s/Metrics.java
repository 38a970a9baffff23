// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.core.metrics.MetricWithFixedMetadata;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;
import java.util.stream.DoubleStream;

/**
 * kube-proxy's Prometheus metrics ({@code pkg/proxy/metrics/metrics.go}: names, types, labels and buckets), the
 * component's {@code kubernetes_build_info}, and the JVM's and the process's own ({@code process_*}, {@code jvm_*}),
 * kept by the Prometheus Java client and written in the Prometheus text format or, when the scraper asks for it,
 * OpenMetrics. Values are recorded by name with alternating label names and values, as declared here. Thread-safe.
 */
public final class Metrics {
    /** kube-proxy's sync duration buckets: {@code ExponentialBuckets(0.001, 2, 15)}. */
    static final double[] SYNC_BUCKETS = exponential(0.001, 2, 15);
    /**
     * kube-proxy's network programming buckets: 0, then 0.25 and 0.5 s, 1-59 s by 1, 60-115 s by 5, 120-300 s by 30
     * ({@code merge} starts from a zero bucket).
     */
    static final double[] PROGRAMMING_BUCKETS = java.util.stream.Stream.of(new double[] {0, 0.25, 0.5}, linear(1, 1, 59),
            linear(60, 5, 12), linear(120, 30, 7)).flatMapToDouble(DoubleStream::of).toArray();
    private static final String IP_FAMILY = "ip_family";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Map<String, MetricWithFixedMetadata> metrics = new ConcurrentHashMap<>();
    private final Map<String, List<String>> labelNames = new ConcurrentHashMap<>();
    /** Values read at scrape time, by name: the label values of each and where its value comes from. */
    private record External(String[] labelValues, DoubleSupplier value) {
    }

    private final Map<String, List<External>> external = new ConcurrentHashMap<>();
    /**
     * The JVM's metrics are registered at the first scrape: registering them loads and starts much of the JVM's
     * management (0.1 s of a start), which the first sync does not need.
     */
    private boolean jvmRegistered;
    private final Object jvmLock = new Object();

    /** A registry with kube-proxy's metrics declared (sync durations, rule counts, change counters, health). */
    public Metrics() {
        histogram("kubeproxy_sync_proxy_rules_duration_seconds", "SyncProxyRules latency in seconds", SYNC_BUCKETS, IP_FAMILY);
        histogram("kubeproxy_sync_full_proxy_rules_duration_seconds", "SyncProxyRules latency in seconds for full resyncs",
                SYNC_BUCKETS, IP_FAMILY);
        histogram("kubeproxy_sync_partial_proxy_rules_duration_seconds", "SyncProxyRules latency in seconds for partial resyncs",
                SYNC_BUCKETS, IP_FAMILY);
        histogram("kubeproxy_network_programming_duration_seconds", "In Cluster Network Programming Latency in seconds",
                PROGRAMMING_BUCKETS, IP_FAMILY);
        gauge("kubeproxy_sync_proxy_rules_last_timestamp_seconds", "The last time proxy rules were successfully synced", IP_FAMILY);
        gauge("kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds", "The last time a sync of proxy rules was queued", IP_FAMILY);
        gauge("kubeproxy_sync_proxy_rules_endpoint_changes_pending", "Pending proxy rules Endpoint changes");
        counter("kubeproxy_sync_proxy_rules_endpoint_changes_total", "Cumulative proxy rules Endpoint changes");
        gauge("kubeproxy_sync_proxy_rules_service_changes_pending", "Pending proxy rules Service changes");
        counter("kubeproxy_sync_proxy_rules_service_changes_total", "Cumulative proxy rules Service changes");
        gauge("kubeproxy_sync_proxy_rules_no_local_endpoints_total",
                "Number of services with a Local traffic policy and no endpoints", IP_FAMILY, "traffic_policy");
        gauge("kubeproxy_sync_proxy_rules_iptables_last", "Number of iptables rules written by iptables proxier in last sync",
                IP_FAMILY, "table");
        gauge("kubeproxy_sync_proxy_rules_iptables_total", "Total number of iptables rules owned by kube-proxy", IP_FAMILY, "table");
        counter("kubeproxy_sync_proxy_rules_iptables_restore_failures_total", "Cumulative proxy iptables restore failures", IP_FAMILY);
        // kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total and the nftables clean-up failures are the
        // backends' own counters (BackendMetric), registered when a backend of that mode starts
        counter("kubeproxy_sync_proxy_rules_nftables_sync_failures_total", "Cumulative proxy nftables sync failures", IP_FAMILY);
        counter("kubeproxy_proxy_healthz_total", "Cumulative proxy healthz HTTP status", "code");
        counter("kubeproxy_proxy_livez_total", "Cumulative proxy livez HTTP status", "code");
        histogram("kubeproxy_conntrack_reconciler_sync_duration_seconds", "Conntrack reconciliation latency in seconds",
                SYNC_BUCKETS, IP_FAMILY);
        counter("kubeproxy_conntrack_reconciler_deleted_entries_total", "Cumulative conntrack flows deleted by the reconciler",
                IP_FAMILY);
    }

    static double[] exponential(double start, double factor, int count) {
        double[] b = new double[count];
        for (int i = 0; i < count; i++) {
            b[i] = start * Math.pow(factor, i);
        }
        return b;
    }

    private static double[] linear(double start, double width, int count) {
        double[] b = new double[count];
        for (int i = 0; i < count; i++) {
            b[i] = start + width * i;
        }
        return b;
    }

    /** kube-proxy's help texts carry component-base's stability level. */
    private static String help(String text) {
        return "[ALPHA] " + text;
    }

    private void counter(String name, String help, String... labels) {
        labelNames.put(name, List.of(labels));
        metrics.put(name, Counter.builder().name(name).help(help(help)).labelNames(labels).register(registry));
    }

    private void gauge(String name, String help, String... labels) {
        labelNames.put(name, List.of(labels));
        metrics.put(name, Gauge.builder().name(name).help(help(help)).labelNames(labels).register(registry));
    }

    private void histogram(String name, String help, double[] buckets, String... labels) {
        labelNames.put(name, List.of(labels));
        metrics.put(name, Histogram.builder().name(name).help(help(help)).classicOnly().classicUpperBounds(buckets)
                .labelNames(labels).register(registry));
    }

    /**
     * component-base's {@code kubernetes_build_info} (a gauge of 1) with its labels; svcproxy's version stands in the
     * version labels, its Java runtime in {@code goVersion} (the runtime that built the binary in kube-proxy).
     *
     * @param version svcproxy's version
     */
    public void buildInfo(String version) {
        String[] v = version.replaceFirst("^v", "").split("[.-]");
        Info info = Info.builder().name("kubernetes_build_info")
                .help(help("A metric with a constant '1' value labeled by major, minor, git version, git commit, git tree state, "
                        + "build date, Go version, and compiler from which Kubernetes was built, and platform on which it is running."))
                .labelNames("major", "minor", "gitVersion", "gitCommit", "gitTreeState", "buildDate", "goVersion", "compiler", "platform")
                .register(registry);
        info.setLabelValues(v[0], v.length > 1 ? v[1] : "", "v" + version.replaceFirst("^v", ""), "", "", "",
                "java" + Runtime.version(), "javac", "linux/" + System.getProperty("os.arch"));
    }

    private MetricWithFixedMetadata metric(String name) {
        MetricWithFixedMetadata m = metrics.get(name);
        if (m == null) {
            throw new IllegalArgumentException("no metric " + name);
        }
        return m;
    }

    /** The values of {@code kv} (alternating names and values) in the order {@code name} declares its labels. */
    private String[] values(String name, String... kv) {
        List<String> declared = labelNames.get(name);
        String[] out = new String[kv.length / 2];
        boolean ok = declared.size() == out.length;
        for (int i = 0; ok && i < out.length; i++) {
            int at = declared.indexOf(kv[2 * i]);
            ok = at >= 0 && out[at] == null;
            if (ok) {
                out[at] = kv[2 * i + 1];
            }
        }
        if (!ok) {
            throw new IllegalArgumentException(name + " has labels " + declared + ", not " + Arrays.toString(kv));
        }
        return out;
    }

    /**
     * Adds one to a counter.
     *
     * @param name the counter's name, as declared
     * @param labels label name and value pairs, as declared
     */
    public void inc(String name, String... labels) {
        add(name, 1, labels);
    }

    /**
     * Adds {@code v} to a counter.
     *
     * @param name the counter's name, as declared
     * @param v the value
     * @param labels label name and value pairs, as declared
     */
    public void add(String name, double v, String... labels) {
        Counter c = (Counter) metric(name);
        c.labelValues(values(name, labels)).inc(v);
    }

    /**
     * Sets a gauge.
     *
     * @param name the gauge's name, as declared
     * @param v the value
     * @param labels label name and value pairs, as declared
     */
    public void set(String name, double v, String... labels) {
        Gauge g = (Gauge) metric(name);
        g.labelValues(values(name, labels)).set(v);
    }

    /**
     * Records a value in a histogram.
     *
     * @param name the histogram's name, as declared
     * @param v the value (seconds for durations)
     * @param labels label name and value pairs, as declared
     */
    public void observe(String name, double v, String... labels) {
        Histogram h = (Histogram) metric(name);
        h.labelValues(values(name, labels)).observe(v);
    }

    /**
     * The current value of a counter or gauge (0 if never set).
     *
     * @param name the metric's name, as declared
     * @param labels label name and value pairs, as declared
     * @return the current value of a counter or gauge (0 if never set)
     */
    public double value(String name, String... labels) {
        Labels wanted = Labels.EMPTY;
        for (int i = 0; i + 1 < labels.length; i += 2) {
            wanted = wanted.add(labels[i], labels[i + 1]);
        }
        String base = name.endsWith("_total") && !(metrics.get(name) instanceof Gauge) ? name.substring(0, name.length() - 6) : name;
        for (MetricSnapshot s : registry.scrape(n -> n.equals(name) || n.equals(base))) {
            for (DataPointSnapshot d : s.getDataPoints()) {
                if (d.getLabels().equals(wanted)) {
                    return d instanceof CounterSnapshot.CounterDataPointSnapshot c ? c.getValue()
                            : d instanceof GaugeSnapshot.GaugeDataPointSnapshot g ? g.getValue() : Double.NaN;
                }
            }
        }
        return 0;
    }

    /**
     * A counter read from elsewhere at each scrape (kube-proxy's nfacct-backed counters); NaN omits the sample.
     *
     * @param name the metric's name
     * @param help the metric's help text
     * @param value read at each scrape
     * @param labels label name and value pairs, as declared
     */
    public void external(String name, String help, DoubleSupplier value, String... labels) {
        external(name, true, help, value, labels);
    }

    /**
     * A gauge read at each scrape, with alternating label names and values ({@code "ip_family", "IPv4"}); NaN omits
     * the sample. One name may be registered once per label set; a second registration of the same name and labels
     * is ignored (two families' backends reading one counter of the namespace).
     *
     * @param name the metric's name
     * @param help the metric's help text
     * @param value read at each scrape
     * @param labels label name and value pairs, as declared
     */
    public void externalGauge(String name, String help, DoubleSupplier value, String... labels) {
        external(name, false, help, value, labels);
    }

    private synchronized void external(String name, boolean counter, String help, DoubleSupplier value, String... labels) {
        String[] names = new String[labels.length / 2];
        String[] values = new String[labels.length / 2];
        for (int i = 0; i < names.length; i++) {
            names[i] = labels[2 * i];
            values[i] = labels[2 * i + 1];
        }
        List<External> list = external.get(name);
        if (list == null) {
            List<External> added = new CopyOnWriteArrayList<>();
            external.put(name, added);
            if (counter) {
                CounterWithCallback.builder().name(name).help(help(help)).labelNames(names)
                        .callback(cb -> added.forEach(e -> report(e, cb::call))).register(registry);
            } else {
                GaugeWithCallback.builder().name(name).help(help(help)).labelNames(names)
                        .callback(cb -> added.forEach(e -> report(e, cb::call))).register(registry);
            }
            list = added;
        }
        if (list.stream().noneMatch(e -> Arrays.equals(e.labelValues(), values))) {
            list.add(new External(values, value));
        }
    }

    private interface Sink {
        void call(double value, String... labelValues);
    }

    private static void report(External e, Sink sink) {
        double v = e.value().getAsDouble();
        if (!Double.isNaN(v)) {
            sink.call(v, e.labelValues());
        }
    }

    /** A scrape's body and its content type. */
    public record Scrape(String contentType, String body) {
    }

    /**
     * The Prometheus text format (version 0.0.4).
     *
     * @return the Prometheus text format (version 0.0.4)
     */
    public String scrape() {
        return scrape("").body();
    }

    /**
     * The metrics in the format the {@code Accept} header asks for: OpenMetrics text ({@code application/openmetrics-text})
     * when the scraper offers it, else the Prometheus text format.
     *
     * @param accept the request's {@code Accept} header
     * @return the metrics in the format the {@code Accept} header asks for
     */
    public Scrape scrape(String accept) {
        ExpositionFormatWriter writer = accept != null && accept.contains("application/openmetrics-text")
                ? OpenMetricsTextFormatWriter.create() : PrometheusTextFormatWriter.create();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        synchronized (jvmLock) { // a scrape is rare: no need to avoid the lock
            if (!jvmRegistered) {
                JvmMetrics.builder().register(registry);
                jvmRegistered = true;
            }
        }
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Scrape(writer.getContentType(), out.toString(StandardCharsets.UTF_8));
    }
}
