// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.bench;

import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.ipset.Entry;
import dev.svcproxy.ipset.IpSet;
import dev.svcproxy.ipset.IpsetBatch;
import dev.svcproxy.ipset.IpsetClient;
import dev.svcproxy.ipset.SetType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Adds N entries (default 100000) to a {@code hash:ip,port} set through the SDK (one batch over netlink) and through
 * {@code ipset restore} of the same entries, each into a fresh set in a fresh namespace; prints both and the ratio.
 */
public final class IpsetBench {

    private IpsetBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        try (NetworkNamespace ns = NetworkNamespace.create("svcp-bench-ipset-" + ProcessHandle.current().pid());
             IpsetClient c = IpsetClient.open(ns.path())) {
            StringBuilder restore = new StringBuilder("create R hash:ip,port family inet hashsize 65536 maxelem 1048576\n");
            for (int round = 0; round < 4; round++) { // the first rounds warm up the JIT
                IpSet set = IpSet.hash("S" + round, SetType.HASH_IP_PORT, IpFamily.IPV4).withSizes(65536, 1 << 20);
                c.create(set);
                long t0 = System.nanoTime();
                IpsetBatch b = new IpsetBatch();
                for (int i = 0; i < n; i++) {
                    b.add(set, Entry.ipPort(IpAddress.ofBytes(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}),
                            Protocol.TCP, 80));
                }
                int failed = c.apply(b).size();
                long sdk = System.nanoTime() - t0;
                if (round == 3) {
                    for (int i = 0; i < n; i++) {
                        restore.append("add R 10.").append((i >> 16) & 0xff).append('.').append((i >> 8) & 0xff).append('.')
                                .append(i & 0xff).append(",tcp:80\n");
                    }
                    Path file = Files.createTempFile("svcp-ipset", ".restore");
                    Files.writeString(file, restore);
                    long t1 = System.nanoTime();
                    ns.sh("ipset restore < " + file);
                    long tool = System.nanoTime() - t1;
                    Files.delete(file);
                    System.out.printf("entries=%d sdk(build+batch add)=%.3f s (%d failed) ipset-restore=%.3f s ratio=%.2f%n",
                            n, sdk / 1e9, failed, tool / 1e9, (double) sdk / tool);
                }
            }
        }
    }
}
