// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs.kube;

import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.ipset.IpSet;
import dev.svcproxy.ipset.SetType;

/**
 * The ipsets of kube-proxy's IPVS mode ({@code pkg/proxy/ipvs/ipset.go}): name, type and the comment that its
 * iptables rules carry. IPv6 sets are named {@code KUBE-6-...} (cut to ipset's 31 characters), as kube-proxy names
 * them. Sets are created with the {@code comment} extension, hash sizes 1024/65536 and bitmaps over 0-65535.
 */
public enum KubeIpset {
    /** kube-proxy's {@code KUBE-LOOP-BACK} set; {@link #comment()} says what it holds. */
    LOOP_BACK("KUBE-LOOP-BACK", SetType.HASH_IP_PORT_IP, "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose"),
    /** kube-proxy's {@code KUBE-CLUSTER-IP} set; {@link #comment()} says what it holds. */
    CLUSTER_IP("KUBE-CLUSTER-IP", SetType.HASH_IP_PORT, "Kubernetes service cluster ip + port for masquerade purpose"),
    /** kube-proxy's {@code KUBE-EXTERNAL-IP} set; {@link #comment()} says what it holds. */
    EXTERNAL_IP("KUBE-EXTERNAL-IP", SetType.HASH_IP_PORT, "Kubernetes service external ip + port for masquerade and filter purpose"),
    /** kube-proxy's {@code KUBE-EXTERNAL-IP-LOCAL} set; {@link #comment()} says what it holds. */
    EXTERNAL_IP_LOCAL("KUBE-EXTERNAL-IP-LOCAL", SetType.HASH_IP_PORT,
            "Kubernetes service external ip + port with externalTrafficPolicy=local"),
    /** kube-proxy's {@code KUBE-LOAD-BALANCER} set; {@link #comment()} says what it holds. */
    LOAD_BALANCER("KUBE-LOAD-BALANCER", SetType.HASH_IP_PORT, "Kubernetes service lb portal"),
    /** kube-proxy's {@code KUBE-LOAD-BALANCER-FW} set; {@link #comment()} says what it holds. */
    LOAD_BALANCER_FW("KUBE-LOAD-BALANCER-FW", SetType.HASH_IP_PORT,
            "Kubernetes service load balancer ip + port for load balancer with sourceRange"),
    /** kube-proxy's {@code KUBE-LOAD-BALANCER-LOCAL} set; {@link #comment()} says what it holds. */
    LOAD_BALANCER_LOCAL("KUBE-LOAD-BALANCER-LOCAL", SetType.HASH_IP_PORT,
            "Kubernetes service load balancer ip + port with externalTrafficPolicy=local"),
    /** kube-proxy's {@code KUBE-LOAD-BALANCER-SOURCE-IP} set; {@link #comment()} says what it holds. */
    LOAD_BALANCER_SOURCE_IP("KUBE-LOAD-BALANCER-SOURCE-IP", SetType.HASH_IP_PORT_IP,
            "Kubernetes service load balancer ip + port + source IP for packet filter purpose"),
    /** kube-proxy's {@code KUBE-LOAD-BALANCER-SOURCE-CIDR} set; {@link #comment()} says what it holds. */
    LOAD_BALANCER_SOURCE_CIDR("KUBE-LOAD-BALANCER-SOURCE-CIDR", SetType.HASH_IP_PORT_NET,
            "Kubernetes service load balancer ip + port + source cidr for packet filter purpose"),
    /** kube-proxy's {@code KUBE-NODE-PORT-TCP} set; {@link #comment()} says what it holds. */
    NODE_PORT_TCP("KUBE-NODE-PORT-TCP", SetType.BITMAP_PORT, "Kubernetes nodeport TCP port for masquerade purpose"),
    /** kube-proxy's {@code KUBE-NODE-PORT-LOCAL-TCP} set; {@link #comment()} says what it holds. */
    NODE_PORT_LOCAL_TCP("KUBE-NODE-PORT-LOCAL-TCP", SetType.BITMAP_PORT, "Kubernetes nodeport TCP port with externalTrafficPolicy=local"),
    /** kube-proxy's {@code KUBE-NODE-PORT-UDP} set; {@link #comment()} says what it holds. */
    NODE_PORT_UDP("KUBE-NODE-PORT-UDP", SetType.BITMAP_PORT, "Kubernetes nodeport UDP port for masquerade purpose"),
    /** kube-proxy's {@code KUBE-NODE-PORT-LOCAL-UDP} set; {@link #comment()} says what it holds. */
    NODE_PORT_LOCAL_UDP("KUBE-NODE-PORT-LOCAL-UDP", SetType.BITMAP_PORT, "Kubernetes nodeport UDP port with externalTrafficPolicy=local"),
    /** kube-proxy's {@code KUBE-NODE-PORT-SCTP-HASH} set; {@link #comment()} says what it holds. */
    NODE_PORT_SCTP("KUBE-NODE-PORT-SCTP-HASH", SetType.HASH_IP_PORT,
            "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'"),
    /** kube-proxy's {@code KUBE-NODE-PORT-LOCAL-SCTP-HASH} set; {@link #comment()} says what it holds. */
    NODE_PORT_LOCAL_SCTP("KUBE-NODE-PORT-LOCAL-SCTP-HASH", SetType.HASH_IP_PORT,
            "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'"),
    /** kube-proxy's {@code KUBE-HEALTH-CHECK-NODE-PORT} set; {@link #comment()} says what it holds. */
    HEALTH_CHECK_NODE_PORT("KUBE-HEALTH-CHECK-NODE-PORT", SetType.BITMAP_PORT, "Kubernetes health check node port"),
    /** kube-proxy's {@code KUBE-IPVS-IPS} set; {@link #comment()} says what it holds. */
    IPVS_IPS("KUBE-IPVS-IPS", SetType.HASH_IP, "Addresses on the ipvs interface");

    private final String name;
    private final SetType type;
    private final String comment;

    KubeIpset(String name, SetType type, String comment) {
        this.name = name;
        this.type = type;
        this.comment = comment;
    }

    /**
     * The set's name in {@code family}: {@code KUBE-6-...} for IPv6, at most 31 characters.
     *
     * @param family the family
     * @return the name
     */
    public String setName(IpFamily family) {
        if (family == IpFamily.IPV4) {
            return name;
        }
        String six = name.replaceFirst("^KUBE-", "KUBE-6-");
        return six.length() > 31 ? six.substring(0, 31) : six;
    }

    /**
     * The set's type.
     *
     * @return the type kube-proxy creates it with
     */
    public SetType type() {
        return type;
    }

    /**
     * The comment kube-proxy's rules for this set carry.
     *
     * @return the comment
     */
    public String comment() {
        return comment;
    }

    /**
     * The set as kube-proxy creates it in {@code family}.
     *
     * @param family the family
     * @return the set's specification
     */
    public IpSet ipSet(IpFamily family) {
        IpSet s = type == SetType.BITMAP_PORT ? IpSet.bitmapPort(setName(family), 0, 65535)
                : IpSet.hash(setName(family), type, family).withSizes(1024, 65536);
        return s.withComment();
    }
}
