// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.IpvsSettings;
import dev.svcproxy.api.spi.LocalTraffic;
import dev.svcproxy.k8s.ProxyConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** kube-proxy's configuration as the typed settings a backend is made with, for one family and namespace. */
public final class BackendContexts {

    private BackendContexts() {
    }

    /**
     * Masquerade bit and all, local-traffic detection ({@code NodeCIDR} from the Node's {@code podCIDRs}),
     * node-port addresses ({@code primary}: the node's first IP of the family), localhost node ports, the IPVS
     * settings and the sync periods of the configured mode.
     */
    public static BackendContext of(ProxyConfig config, IpFamily family, ServiceTable table, List<Cidr> podCidrs,
                                    Optional<Path> netns) {
        LocalTraffic local = switch (config.detectLocalMode()) {
            case CLUSTER_CIDR -> cidrs(config.clusterCidrs(), family);
            case BRIDGE_INTERFACE -> new LocalTraffic.FromBridge(config.bridgeInterface().orElseThrow());
            case INTERFACE_NAME_PREFIX -> new LocalTraffic.FromInterfacePrefix(config.interfaceNamePrefix().orElseThrow());
            case NODE_CIDR -> cidrs(podCidrs, family);
        };
        List<Cidr> nodePort = new ArrayList<>();
        for (String a : config.nodePortAddresses()) {
            if (a.equals("primary")) {
                table.nodeIps().stream().findFirst().map(Cidr::of).ifPresent(nodePort::add);
            } else {
                Cidr c = Cidr.parse(a);
                if (c.family() == family) {
                    nodePort.add(c);
                }
            }
        }
        ProxyConfig.Ipvs ipvs = config.ipvs();
        return BackendContext.builder().family(family).netns(netns).masqueradeBit(config.masqueradeBit())
                .masqueradeAll(config.masqueradeAll()).localTraffic(local).addAllNodePortAddresses(nodePort)
                .localhostNodePorts(config.iptables().localhostNodePorts() && !config.mode().equals("nftables")).tcpBeLiberal(config.conntrack().tcpBeLiberal())
                .ipvs(new IpvsSettings(ipvs.scheduler(), ipvs.excludeCidrs(), ipvs.strictArp(), ipvs.tcpTimeout(),
                        ipvs.tcpFinTimeout(), ipvs.udpTimeout()))
                .syncPeriod(config.syncPeriod()).minSyncPeriod(config.minSyncPeriod()).build();
    }

    private static LocalTraffic cidrs(List<Cidr> cidrs, IpFamily family) {
        List<Cidr> mine = cidrs.stream().filter(c -> c.family() == family).toList();
        return mine.isEmpty() ? LocalTraffic.none() : new LocalTraffic.FromCidrs(mine);
    }
}
