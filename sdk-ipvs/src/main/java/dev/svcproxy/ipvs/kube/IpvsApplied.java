// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs.kube;

import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.ipset.Entry;
import dev.svcproxy.ipvs.IpvsTable;
import java.util.Map;
import java.util.Set;

/**
 * What one completed IPVS-mode sync left in the kernel: the IPVS table (graceful terminations included), each
 * ipset's entries, the addresses bound to {@code kube-ipvs0}, and the iptables payload. The next sync diffs against it
 * instead of reading the kernel back.
 */
record IpvsApplied(IpvsTable ipvs, Map<KubeIpset, Set<Entry>> sets, Set<IpAddress> bound, String iptables) {

    IpvsApplied {
        sets = Map.copyOf(sets);
        bound = Set.copyOf(bound);
    }
}
