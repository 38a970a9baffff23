// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.bench;

import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.conntrack.ConntrackClient;
import dev.svcproxy.conntrack.ConntrackEntry;
import dev.svcproxy.conntrack.ConntrackFilter;
import dev.svcproxy.conntrack.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills a fresh namespace's conntrack table with N DNATed UDP entries (default 50000: 5 service IPs x N/5 client
 * ports), then times listing them all and deleting one service's N/5 entries by filter, through the SDK and through
 * the {@code conntrack} tool ({@code -L}, {@code -D}); prints entries/second and the ratios.
 */
public final class ConntrackBench {
    private static final IpAddress CLIENT = IpAddress.parse("10.99.0.1");
    private static final IpAddress ENDPOINT = IpAddress.parse("10.244.0.27");

    private ConntrackBench() {
    }

    private static IpAddress vip(int v) {
        return IpAddress.parse("10.96.0." + (10 + v));
    }

    private static List<ConntrackEntry> entries(int v, int perVip) {
        List<ConntrackEntry> l = new ArrayList<>(perVip);
        for (int i = 0; i < perVip; i++) {
            int sport = 1024 + i;
            l.add(ConntrackEntry.of(Tuple.of(Protocol.UDP, CLIENT, sport, vip(v), 53),
                    Tuple.of(Protocol.UDP, ENDPOINT, 5300 + v, CLIENT, sport), 600));
        }
        return l;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int perVip = n / 5;
        try (NetworkNamespace ns = NetworkNamespace.create("svcp-bench-ct-" + ProcessHandle.current().pid());
             ConntrackClient c = ConntrackClient.open(ns.path())) {
            long t0 = System.nanoTime();
            for (int v = 0; v < 5; v++) {
                if (!c.create(entries(v, perVip)).isEmpty()) {
                    throw new IllegalStateException("the kernel refused entries (is nf_conntrack_max below " + n + "?)");
                }
            }
            long create = System.nanoTime() - t0;
            long list = Long.MAX_VALUE;
            int listed = 0;
            for (int round = 0; round < 5; round++) { // the first rounds warm up the JIT; the best is reported
                long t = System.nanoTime();
                listed = c.list(IpFamily.IPV4).size();
                list = Math.min(list, System.nanoTime() - t);
            }
            long toolList = Long.MAX_VALUE;
            for (int round = 0; round < 3; round++) {
                long t = System.nanoTime();
                ns.sh("conntrack -L -f ipv4 >/dev/null 2>&1");
                toolList = Math.min(toolList, System.nanoTime() - t);
            }
            long del = Long.MAX_VALUE;
            long toolDel = Long.MAX_VALUE;
            int deleted = 0;
            for (int round = 0; round < 5; round++) { // best of 5, as for listing
                long t = System.nanoTime();
                deleted = c.delete(ConntrackFilter.toService(Protocol.UDP, vip(0), 53));
                del = Math.min(del, System.nanoTime() - t);
                c.create(entries(0, perVip));
                t = System.nanoTime();
                ns.sh("conntrack -D -f ipv4 -p udp --orig-dst " + vip(0) + " --orig-port-dst 53 >/dev/null 2>&1");
                toolDel = Math.min(toolDel, System.nanoTime() - t);
                c.create(entries(0, perVip));
            }
            System.out.printf("entries=%d create=%.3f s (%.0f/s)%n", listed, seconds(create), n / seconds(create));
            System.out.printf("list: sdk=%.3f s (%.0f entries/s) conntrack-L=%.3f s ratio=%.2f%n",
                    seconds(list), listed / seconds(list), seconds(toolList), (double) list / toolList);
            System.out.printf("delete %d by filter: sdk=%.3f s (%.0f entries/s) conntrack-D=%.3f s ratio=%.2f%n",
                    deleted, seconds(del), deleted / seconds(del), seconds(toolDel), (double) del / toolDel);
        }
    }
}
