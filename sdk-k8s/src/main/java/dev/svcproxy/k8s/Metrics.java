package dev.svcproxy.k8s;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * kube-proxy's Prometheus metrics (subsystem {@code kubeproxy}) that svcproxy keeps, in the text exposition
 * format: counters, gauges and histograms by label set. Thread-safe.
 */
public final class Metrics {
    /** kube-proxy's sync duration buckets: {@code ExponentialBuckets(0.001, 2, 15)}. */
    static final double[] SYNC_BUCKETS = exponential(0.001, 2, 15);

    private record Family(String name, String type, String help, double[] buckets) {
    }

    private final Map<String, Family> families = new TreeMap<>();
    /** Samples read at each scrape: a name, its labels and where the value comes from. */
    private record External(String name, String[] labels, java.util.function.DoubleSupplier value) {
    }

    private final List<External> external = new CopyOnWriteArrayList<>();
    private final Map<String, Map<String, double[]>> values = new ConcurrentHashMap<>();

    public Metrics() {
        histogram("kubeproxy_sync_proxy_rules_duration_seconds", "SyncProxyRules latency in seconds", SYNC_BUCKETS);
        histogram("kubeproxy_sync_full_proxy_rules_duration_seconds", "SyncProxyRules latency in seconds for full resyncs", SYNC_BUCKETS);
        histogram("kubeproxy_sync_partial_proxy_rules_duration_seconds", "SyncProxyRules latency in seconds for partial resyncs",
                SYNC_BUCKETS);
        gauge("kubeproxy_sync_proxy_rules_last_timestamp_seconds", "The last time proxy rules were successfully synced");
        gauge("kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds", "The last time a sync of proxy rules was queued");
        gauge("kubeproxy_sync_proxy_rules_no_local_endpoints_total",
                "Number of services with a Local traffic policy and no endpoints");
        gauge("kubeproxy_sync_proxy_rules_iptables_last", "Number of iptables rules written by the proxier in the last sync");
        counter("kubeproxy_sync_proxy_rules_iptables_restore_failures_total", "Cumulative proxy iptables restore failures");
        counter("kubeproxy_sync_proxy_rules_nftables_sync_failures_total", "Cumulative proxy nftables sync failures");
        counter("kubeproxy_proxy_healthz_total", "Cumulative proxy healthz HTTP status");
        histogram("kubeproxy_conntrack_reconciler_sync_duration_seconds", "Conntrack reconciliation latency in seconds", SYNC_BUCKETS);
        counter("kubeproxy_conntrack_reconciler_deleted_entries_total", "Cumulative conntrack flows deleted by the reconciler");
        counter("kubeproxy_proxy_livez_total", "Cumulative proxy livez HTTP status");
    }

    static double[] exponential(double start, double factor, int count) {
        double[] b = new double[count];
        for (int i = 0; i < count; i++) {
            b[i] = start * Math.pow(factor, i);
        }
        return b;
    }

    private void counter(String name, String help) {
        families.put(name, new Family(name, "counter", help, null));
    }

    private void gauge(String name, String help) {
        families.put(name, new Family(name, "gauge", help, null));
    }

    private void histogram(String name, String help, double[] buckets) {
        families.put(name, new Family(name, "histogram", help, buckets));
    }

    private double[] cell(String name, String labels) {
        Family f = families.get(name);
        if (f == null) {
            throw new IllegalArgumentException("no metric " + name);
        }
        int size = f.buckets() == null ? 1 : f.buckets().length + 2; // buckets, then sum, then count
        return values.computeIfAbsent(name, k -> new ConcurrentHashMap<>()).computeIfAbsent(labels, k -> new double[size]);
    }

    /** {@code key="value",...} from alternating names and values. */
    static String labels(String... kv) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            b.append(b.length() == 0 ? "" : ",").append(kv[i]).append("=\"").append(kv[i + 1]).append('"');
        }
        return b.toString();
    }

    public void inc(String name, String... labels) {
        add(name, 1, labels);
    }

    /** Adds {@code v} to a counter. */
    public void add(String name, double v, String... labels) {
        double[] c = cell(name, labels(labels));
        synchronized (c) {
            c[0] += v;
        }
    }

    public void set(String name, double v, String... labels) {
        double[] c = cell(name, labels(labels));
        synchronized (c) {
            c[0] = v;
        }
    }

    public void observe(String name, double v, String... labels) {
        double[] bounds = families.get(name).buckets();
        double[] c = cell(name, labels(labels));
        synchronized (c) {
            for (int i = 0; i < bounds.length; i++) {
                if (v <= bounds[i]) {
                    c[i]++;
                }
            }
            c[bounds.length] += v;
            c[bounds.length + 1]++;
        }
    }

    /** The current value of a counter or gauge (0 if never set). */
    public double value(String name, String... labels) {
        Map<String, double[]> m = values.getOrDefault(name, Map.of());
        double[] c = m.get(labels(labels));
        return c == null ? 0 : c[0];
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%s", v);
    }

    private static String with(String labels, String extra) {
        String all = labels.isEmpty() ? extra : extra.isEmpty() ? labels : labels + "," + extra;
        return all.isEmpty() ? "" : "{" + all + "}";
    }

    /** A counter read from elsewhere at each scrape (kube-proxy's nfacct-backed counters); NaN omits the sample. */
    public void external(String name, String help, java.util.function.DoubleSupplier value) {
        external(name, "counter", help, value);
    }

    /**
     * A gauge read at each scrape, with alternating label names and values ({@code "area", "heap"}); NaN omits the
     * sample. The same name may be registered once per label set.
     */
    public void externalGauge(String name, String help, java.util.function.DoubleSupplier value, String... labels) {
        external(name, "gauge", help, value, labels);
    }

    private void external(String name, String type, String help, java.util.function.DoubleSupplier value, String... labels) {
        families.put(name, new Family(name, type, help, null));
        external.add(new External(name, labels.clone(), value));
    }

    /** The text exposition format (version 0.0.4). */
    public String scrape() {
        external.forEach(e -> {
            double v = e.value().getAsDouble();
            if (!Double.isNaN(v)) {
                set(e.name(), v, e.labels());
            }
        });
        StringBuilder b = new StringBuilder();
        for (Family f : families.values()) {
            b.append("# HELP ").append(f.name()).append(" [ALPHA] ").append(f.help()).append('\n');
            b.append("# TYPE ").append(f.name()).append(' ').append(f.type()).append('\n');
            for (Map.Entry<String, double[]> e : new TreeMap<>(values.getOrDefault(f.name(), Map.of())).entrySet()) {
                double[] c = e.getValue();
                synchronized (c) {
                    if (f.buckets() == null) {
                        b.append(f.name()).append(with(e.getKey(), "")).append(' ').append(num(c[0])).append('\n');
                        continue;
                    }
                    for (int i = 0; i < f.buckets().length; i++) {
                        b.append(f.name()).append("_bucket").append(with(e.getKey(), "le=\"" + f.buckets()[i] + "\"")).append(' ')
                                .append(num(c[i])).append('\n');
                    }
                    int n = f.buckets().length;
                    b.append(f.name()).append("_bucket").append(with(e.getKey(), "le=\"+Inf\"")).append(' ').append(num(c[n + 1])).append('\n');
                    b.append(f.name()).append("_sum").append(with(e.getKey(), "")).append(' ').append(num(c[n])).append('\n');
                    b.append(f.name()).append("_count").append(with(e.getKey(), "")).append(' ').append(num(c[n + 1])).append('\n');
                }
            }
        }
        return b.toString();
    }
}
