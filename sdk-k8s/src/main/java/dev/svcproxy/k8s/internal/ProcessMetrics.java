package dev.svcproxy.k8s.internal;

import dev.svcproxy.k8s.Metrics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The process's own figures on {@code /metrics}: the standard Prometheus process collector's names, which kube-proxy
 * serves too ({@code process_resident_memory_bytes}, {@code process_cpu_seconds_total}, {@code process_open_fds},
 * {@code process_start_time_seconds}), and the JVM's memory as the Prometheus Java client names it
 * ({@code jvm_memory_bytes_used} and {@code jvm_memory_bytes_max}, {@code area="heap"|"nonheap"}). Linux figures come
 * from {@code /proc/self}; one that cannot be read is left out of the scrape.
 */
public final class ProcessMetrics {
    /** USER_HZ: the unit of {@code /proc/self/stat}'s CPU times on every Linux architecture Java runs on. */
    private static final double CLOCK_TICKS = 100;

    private ProcessMetrics() {
    }

    /** Registers the samples; each is read at scrape time. */
    public static void register(Metrics metrics) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        metrics.externalGauge("process_resident_memory_bytes", "Resident memory size in bytes.", ProcessMetrics::residentBytes);
        metrics.external("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", ProcessMetrics::cpuSeconds);
        metrics.externalGauge("process_open_fds", "Number of open file descriptors.", ProcessMetrics::openFds);
        double start = ProcessHandle.current().info().startInstant().map(i -> i.toEpochMilli() / 1000.0).orElse(Double.NaN);
        metrics.externalGauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", () -> start);
        metrics.externalGauge("jvm_memory_bytes_used", "Used bytes of a given JVM memory area.",
                () -> memory.getHeapMemoryUsage().getUsed(), "area", "heap");
        metrics.externalGauge("jvm_memory_bytes_used", "Used bytes of a given JVM memory area.",
                () -> memory.getNonHeapMemoryUsage().getUsed(), "area", "nonheap");
        metrics.externalGauge("jvm_memory_bytes_max", "Max bytes of a given JVM memory area.",
                () -> positive(memory.getHeapMemoryUsage().getMax()), "area", "heap");
    }

    private static double positive(long v) {
        return v < 0 ? Double.NaN : v;
    }

    /** {@code VmRSS} of {@code /proc/self/status}, in bytes. */
    static double residentBytes() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:")).findFirst()
                    .map(l -> Double.parseDouble(l.replaceAll("[^0-9]", "")) * 1024).orElse(Double.NaN);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** utime + stime of {@code /proc/self/stat} (fields 14 and 15, counted after the parenthesised command name). */
    static double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static double openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
