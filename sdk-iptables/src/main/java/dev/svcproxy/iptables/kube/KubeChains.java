// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.kube;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.iptables.ChainName;

/**
 * kube-proxy's chain names: the first 16 characters of base32(SHA-256(service port name + protocol [+ endpoint]))
 * after a fixed prefix ({@code pkg/proxy/iptables/proxier.go}, {@code portProtoHash}, {@code servicePortEndpointChainName}).
 */
public final class KubeChains {
    /** {@code KUBE-SERVICES}: the services' entry chain (nat and filter). */
    public static final ChainName SERVICES = ChainName.of("KUBE-SERVICES");
    /**
     * {@code KUBE-EXTERNAL-SERVICES} (filter): rejects traffic to the external IPs, load-balancer IPs and node ports
     * of services without endpoints, and drops it for {@code Local} services without local endpoints.
     */
    public static final ChainName EXTERNAL_SERVICES = ChainName.of("KUBE-EXTERNAL-SERVICES");
    /** {@code KUBE-NODEPORTS}: node ports (nat and filter). */
    public static final ChainName NODEPORTS = ChainName.of("KUBE-NODEPORTS");
    /** {@code KUBE-POSTROUTING} (nat): masquerades marked packets. */
    public static final ChainName POSTROUTING = ChainName.of("KUBE-POSTROUTING");
    /** {@code KUBE-MARK-MASQ} (nat): marks a packet for masquerading. */
    public static final ChainName MARK_MASQ = ChainName.of("KUBE-MARK-MASQ");
    /** {@code KUBE-FORWARD} (filter): accepts marked and established forwarded traffic. */
    public static final ChainName FORWARD = ChainName.of("KUBE-FORWARD");
    /** {@code KUBE-PROXY-FIREWALL} (filter): load balancers' source ranges. */
    public static final ChainName PROXY_FIREWALL = ChainName.of("KUBE-PROXY-FIREWALL");
    /** {@code KUBE-PROXY-CANARY}: kube-proxy's canary chain; when it is gone, someone flushed the table. */
    public static final ChainName CANARY = ChainName.of("KUBE-PROXY-CANARY");
    /** kubelet's chain (kube-proxy writes it too, for localhost node ports, and never deletes it). */
    public static final ChainName KUBELET_FIREWALL = ChainName.of("KUBE-FIREWALL");

    private KubeChains() {
    }

    /**
     * {@code KUBE-SVC-<hash>}: the cluster policy chain of a service port.
     *
     * @param name the name
     * @param protocol the protocol
     * @return {@code KUBE-SVC-<hash>}
     */
    public static ChainName service(ServicePortName name, Protocol protocol) {
        return ChainName.of("KUBE-SVC-" + hash(name + protocol.lowerName()));
    }

    /**
     * {@code KUBE-SVL-<hash>}: the local policy chain.
     *
     * @param name the name
     * @param protocol the protocol
     * @return {@code KUBE-SVL-<hash>}
     */
    public static ChainName serviceLocal(ServicePortName name, Protocol protocol) {
        return ChainName.of("KUBE-SVL-" + hash(name + protocol.lowerName()));
    }

    /**
     * {@code KUBE-EXT-<hash>}: the external traffic chain.
     *
     * @param name the name
     * @param protocol the protocol
     * @return {@code KUBE-EXT-<hash>}
     */
    public static ChainName external(ServicePortName name, Protocol protocol) {
        return ChainName.of("KUBE-EXT-" + hash(name + protocol.lowerName()));
    }

    /**
     * {@code KUBE-FW-<hash>}: the load-balancer source-range firewall chain.
     *
     * @param name the name
     * @param protocol the protocol
     * @return {@code KUBE-FW-<hash>}
     */
    public static ChainName firewall(ServicePortName name, Protocol protocol) {
        return ChainName.of("KUBE-FW-" + hash(name + protocol.lowerName()));
    }

    /**
     * {@code KUBE-SEP-<hash>}: the chain of one endpoint of a service port.
     *
     * @param name the name
     * @param protocol the protocol
     * @param endpoint the endpoint
     * @return {@code KUBE-SEP-<hash>}
     */
    public static ChainName endpoint(ServicePortName name, Protocol protocol, Endpoint endpoint) {
        return ChainName.of("KUBE-SEP-" + hash(name + protocol.lowerName() + endpoint));
    }

    /**
     * True for the chain names kube-proxy owns per service (the only ones its clean-up deletes).
     *
     * @param chain the chain
     * @return true for the chain names kube-proxy owns per service (the only ones its clean-up deletes)
     */
    public static boolean isServiceChain(ChainName chain) {
        String n = chain.name();
        return n.startsWith("KUBE-SVC-") || n.startsWith("KUBE-SVL-") || n.startsWith("KUBE-EXT-")
                || n.startsWith("KUBE-FW-") || n.startsWith("KUBE-SEP-");
    }

    /** First 16 characters of the standard base32 encoding of SHA-256 of {@code text}. */
    static String hash(String text) {
        return dev.svcproxy.api.model.NameHash.of(text, 16);
    }
}
