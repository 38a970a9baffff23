// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.iptables.ChainName;
import dev.svcproxy.iptables.Flavour;
import dev.svcproxy.iptables.IptablesTransaction;
import dev.svcproxy.iptables.Table;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A full sync written in batches of services (legacy's full sync over a table that holds the chains). */
class FullSyncInBatchesTest {

    /** What the tool gets, and the length of what it had got at each flush (each before a callback runs). */
    private static final class Tool extends StringWriter {
        final List<Integer> flushedAt = new ArrayList<>();

        @Override
        public void flush() {
            flushedAt.add(getBuffer().length());
        }
    }

    @Test
    void writesTheSameLinesAsOneBatchEachChainDeclaredBeforeItsRulesAndFlushesEachBatch() throws IOException {
        ServiceTable table = LargeClusterModeTest.table(120); // 1,200 endpoints: large-cluster mode, as at scale
        String whole = new KubeProxyRules(BackendContext.defaults(), true).fullSync(table, List.of(), new ArrayList<>())
                .orderFor(Flavour.LEGACY).render();
        KubeProxyRules rules = new KubeProxyRules(BackendContext.defaults(), true);
        Set<ChainName> wanted = new LinkedHashSet<>();
        List<String> late = new ArrayList<>();
        IptablesTransaction tx = IptablesTransaction.create(IpFamily.IPV4).orderFor(Flavour.LEGACY);
        Tool tool = new Tool();
        tx.lastly(Table.NAT, t -> rules.fullSyncInBatches(t, table, new ArrayList<>(), wanted, 50, last -> late.add("ran")));
        tx.renderTo(tool);
        String batched = tool.toString();

        assertEquals(sorted(whole), sorted(batched), "the same lines, in another order");
        assertEquals(List.of("ran"), late, "the callback after the last batch ran once");
        // a flush before each callback: the first batch's (with the fixed chains), the next two (50 and 20 services),
        // and the one after the last; so the tool has each batch's lines while the next is built
        assertEquals(4, tool.flushedAt.size(), tool.flushedAt.toString());
        assertTrue(tool.flushedAt.get(1) < tool.flushedAt.get(2) && tool.flushedAt.get(2) < tool.flushedAt.get(3), tool.flushedAt.toString());
        assertEquals(whole.lines().filter(l -> l.startsWith(":KUBE-SVC-") || l.startsWith(":KUBE-SEP-"))
                .map(l -> l.substring(1, l.indexOf(' '))).collect(java.util.stream.Collectors.toSet()),
                wanted.stream().map(ChainName::name).collect(java.util.stream.Collectors.toSet()), "every service's chains are wanted");
        Set<String> declared = new HashSet<>();
        String block = "";
        for (String line : batched.lines().toList()) {
            if (line.startsWith("*")) {
                block = line;
                declared.clear();
            } else if (line.startsWith(":")) {
                declared.add(line.substring(1, line.indexOf(' ')));
            } else if (line.startsWith("-A ")) {
                String chain = line.split(" ")[1];
                assertTrue(Table.NAT.isBuiltin(ChainName.of(chain)) || Table.FILTER.isBuiltin(ChainName.of(chain))
                        || declared.contains(chain), block + ": " + chain + " has a rule before its declaration");
                int jump = line.indexOf(" -j KUBE-");
                if (jump > 0) {
                    String target = line.substring(jump + 4).split(" ")[0];
                    assertTrue(declared.contains(target), block + ": a jump to " + target + " before its declaration: " + line);
                }
            }
        }
        // a second sync over the same table reuses every service's rules (the batches published them at the end)
        assertEquals(sorted(whole), sorted(rules.fullSync(table, List.of(), new ArrayList<>()).orderFor(Flavour.LEGACY).render()));
    }

    private static List<String> sorted(String payload) {
        return payload.lines().sorted().toList();
    }
}
