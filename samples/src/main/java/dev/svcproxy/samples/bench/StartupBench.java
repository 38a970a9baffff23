// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.bench;

import dev.svcproxy.api.netns.NetworkNamespace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Process start to the end of {@code svcproxy run --once}: N services x 10 endpoints from one manifest file
 * ({@link MemoryBench#manifests}) into a fresh namespace per run, through the distribution's launcher (its defaults:
 * class-data archive, C1 for a one-shot command, the serial collector). Reports per run the time to the start of the
 * IPv4 sync (the read and the backends' choice done), to its end, and to the process's exit; with {@code -Xlog:gc} among the
 * JVM options also the collections (their pauses' share of the run, and the full ones). Arguments: services (1000),
 * runs (3), mode ({@code iptables}), then JVM options for {@code SVCPROXY_JAVA_OPTS} (e.g. {@code -Xmx256m -Xlog:gc}).
 * The launcher is {@code samples/target/svcproxy/bin/svcproxy}, or the system property {@code bench.launcher}.
 */
public final class StartupBench {
    private static final Pattern LOG_TIME = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z) ");
    private static final Pattern SYNCED = Pattern.compile("synced IPv4 .* in (\\d+) ms");
    private static final Pattern PAUSE = Pattern.compile("GC\\(\\d+\\) Pause (\\S+).* ([0-9.]+)ms$");

    private StartupBench() {
    }

    /** One run's figures, seconds from the process's start. */
    record Run(double syncStarted, double synced, double exited, double gcSeconds, int fullCollections) {
    }

    /** Reads one run's output: the log lines' times against {@code start}, and the collector's pauses. */
    static Run parse(List<String> lines, Instant start, double exited) {
        double syncStarted = -1;
        double synced = -1;
        double gc = 0;
        int full = 0;
        for (String l : lines) {
            Matcher t = LOG_TIME.matcher(l);
            if (t.find()) {
                double at = (Instant.parse(t.group(1)).toEpochMilli() - start.toEpochMilli()) / 1000.0;
                Matcher s = SYNCED.matcher(l);
                if (synced < 0 && s.find()) {
                    synced = at;
                    syncStarted = at - Integer.parseInt(s.group(1)) / 1000.0;
                }
            }
            Matcher p = PAUSE.matcher(l);
            if (p.find()) {
                gc += Double.parseDouble(p.group(2)) / 1000;
                full += p.group(1).equals("Full") ? 1 : 0;
            }
        }
        return new Run(syncStarted, synced, exited, gc, full);
    }

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String mode = args.length > 2 ? args[2] : "iptables";
        String javaOpts = String.join(" ", List.of(args).subList(Math.min(3, args.length), args.length));
        Path launcher = Path.of(System.getProperty("bench.launcher", "samples/target/svcproxy/bin/svcproxy")).toAbsolutePath();
        if (!Files.isExecutable(launcher)) {
            throw new IllegalStateException("no launcher at " + launcher + " (build the distribution, or set -Dbench.launcher)");
        }
        Path dir = Files.createTempDirectory("svcp-startup");
        Path file = dir.resolve("services.yaml");
        Path out = dir.resolve("out.txt");
        List<Run> all = new ArrayList<>();
        try {
            MemoryBench.manifests(file, services);
            System.out.printf("services=%d mode=%s runs=%d SVCPROXY_JAVA_OPTS=%s%n", services, mode, runs, javaOpts);
            for (int i = 0; i < runs; i++) {
                try (NetworkNamespace ns = NetworkNamespace.create("svcp-bench-start-" + ProcessHandle.current().pid())) {
                    ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", ns.name(), launcher.toString(), "run", "--once",
                            "--manifests", file.toString(), "--hostname-override", "node-a", "--proxy-mode", mode,
                            "--healthz-bind-address", "", "--metrics-bind-address", "")
                            .redirectErrorStream(true).redirectOutput(out.toFile());
                    pb.environment().put("SVCPROXY_JAVA_OPTS", javaOpts);
                    Instant start = Instant.now();
                    long t0 = System.nanoTime();
                    int status = pb.start().waitFor();
                    double exited = (System.nanoTime() - t0) / 1e9;
                    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
                    if (status != 0) {
                        throw new IllegalStateException("run --once exited with " + status + ":\n" + String.join("\n", lines));
                    }
                    Run r = parse(lines, start, exited);
                    all.add(r);
                    System.out.printf("run %d: IPv4 sync started %.2f s, done %.2f s, exited %.2f s%s%n", i + 1, r.syncStarted(),
                            r.synced(), r.exited(), !javaOpts.contains("-Xlog:gc") ? "" : String.format("; GC pauses %.2f s (%.0f%%), %d full",
                                    r.gcSeconds(), 100 * r.gcSeconds() / r.exited(), r.fullCollections()));
                }
            }
            System.out.printf("exited: %.2f-%.2f s; IPv4 synced: %.2f-%.2f s; IPv4 sync started: %.2f-%.2f s%n",
                    min(all, Run::exited), max(all, Run::exited), min(all, Run::synced), max(all, Run::synced),
                    min(all, Run::syncStarted), max(all, Run::syncStarted));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    private static double min(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        return runs.stream().mapToDouble(f).min().orElse(Double.NaN);
    }

    private static double max(List<Run> runs, java.util.function.ToDoubleFunction<Run> f) {
        return runs.stream().mapToDouble(f).max().orElse(Double.NaN);
    }
}
