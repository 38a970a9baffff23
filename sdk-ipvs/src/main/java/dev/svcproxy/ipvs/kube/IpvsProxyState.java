// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs.kube;

import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.ipset.Entry;
import dev.svcproxy.iptables.IptablesTransaction;
import dev.svcproxy.ipvs.IpvsTable;
import java.util.Map;
import java.util.Set;

/**
 * Everything one IPVS-mode sync wants in the kernel for one family: the virtual servers and real servers, the
 * entries of each of kube-proxy's ipsets, the addresses bound to {@code kube-ipvs0}, and the iptables payload.
 */
public record IpvsProxyState(IpFamily family, IpvsTable ipvs, Map<KubeIpset, Set<Entry>> sets, Set<IpAddress> bound,
                             IptablesTransaction iptables) {

    /**
     * A state; the collections are copied.
     *
     * @param family the IP family
     * @param ipvs the virtual and real servers
     * @param sets the entries of each of kube-proxy's ipsets
     * @param bound the addresses to bind to {@code kube-ipvs0}
     * @param iptables the iptables payload
     */
    public IpvsProxyState {
        sets = Map.copyOf(sets);
        bound = Set.copyOf(bound);
    }

    /**
     * What a sync would apply, for a reader and for the tools: {@code # ipvs} (as {@code ipvsadm -S -n} prints it),
     * {@code # ipset} (as {@code ipset restore} reads it) and {@code # iptables} (an {@code iptables-restore
     * --noflush} payload), plus the addresses for {@code kube-ipvs0}.
     *
     * @return the text
     */
    public String render() {
        StringBuilder b = new StringBuilder("# ipvs\n").append(ipvs);
        b.append("# kube-ipvs0\n");
        bound.stream().sorted().forEach(a -> b.append("address ").append(a).append('\n'));
        b.append("# ipset\n");
        for (KubeIpset s : KubeIpset.values()) {
            b.append(s.ipSet(family).createLine()).append(" -exist\n");
            sets.getOrDefault(s, Set.of()).stream().map(Entry::toString).sorted()
                    .forEach(e -> b.append("add ").append(s.setName(family)).append(' ').append(e).append(" -exist\n"));
        }
        return b.append("# iptables\n").append(iptables.render()).toString();
    }
}
