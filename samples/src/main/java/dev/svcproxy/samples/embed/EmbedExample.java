// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.embed;

import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.api.netns.NetworkNamespace;
import dev.svcproxy.iptables.IptablesClient;
import dev.svcproxy.iptables.IptablesTransaction;
import dev.svcproxy.iptables.Rule;
import dev.svcproxy.iptables.Ruleset;
import dev.svcproxy.iptables.Table;

/**
 * The README's example: a service chain and an endpoint chain written in one transaction, checked, applied, and
 * read back. {@link #program} takes any client, so the same code runs on the kernel ({@link #main}, in a
 * throw-away namespace) and on {@link dev.svcproxy.iptables.FakeIptables} (its test).
 */
public final class EmbedExample {

    private EmbedExample() {
    }

    /** Programs the example through {@code ipt} and returns what iptables-save shows of it. */
    public static Ruleset program(IptablesClient ipt) {
        Rule toEndpoint = Rule.in("KUBE-SVC-A").comment("ns/a:http -> 10.244.0.5:8080").jump("KUBE-SEP-1");
        IptablesTransaction tx = ipt.newTransaction()
                .flushChain(Table.NAT, "KUBE-SVC-A")
                .flushChain(Table.NAT, "KUBE-SEP-1")
                .append(Table.NAT, toEndpoint)
                .append(Table.NAT, Rule.in("KUBE-SEP-1").comment("ns/a:http").protocolModule(Protocol.TCP)
                        .dnat("10.244.0.5:8080"));
        System.out.print(tx.render());   // the exact iptables-restore payload
        ipt.check(tx);                   // iptables-restore --test
        ipt.apply(tx);                   // one iptables-restore --noflush call, all or nothing
        Ruleset now = ipt.save(Table.NAT);
        if (!now.rules(Table.NAT, "KUBE-SVC-A").get(0).sameAs(toEndpoint, ipt.family())) {
            throw new IllegalStateException("the kernel holds something else: " + now.rules(Table.NAT, "KUBE-SVC-A"));
        }
        return now.only("KUBE-");
    }

    public static void main(String[] args) {
        try (NetworkNamespace ns = NetworkNamespace.create("svcp-embed-" + ProcessHandle.current().pid())) {
            System.out.print(program(IptablesClient.newBuilder().netns(ns.path()).build()).render());
        }
    }
}
