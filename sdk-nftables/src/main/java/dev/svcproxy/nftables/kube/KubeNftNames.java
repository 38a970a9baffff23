// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.kube;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.NameHash;
import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.net.Protocol;

/**
 * kube-proxy's nftables names ({@code hashAndTruncate} in {@code pkg/proxy/nftables}): a service port's base is
 * {@code HASH-ns/name/proto/port}, an endpoint's {@code HASH-ns/name/proto/port__ip/port} (an IPv6 address with its
 * colons as dots), HASH the first 8 characters of base32(SHA-256(the rest)); a base longer than 240 characters is
 * cut to 237 and ends in {@code ...}. Chains and sets take a prefix: {@code service-}, {@code local-},
 * {@code external-}, {@code firewall-}, {@code endpoint-}, {@code affinity-}.
 */
public final class KubeNftNames {
    /** knftables' longest name (256) less the longest prefix kube-proxy gives one (16). */
    static final int BASE_MAX = 240;

    private KubeNftNames() {
    }

    static String hashAndTruncate(String name) {
        String n = NameHash.of(name, 8) + "-" + name;
        return n.length() > BASE_MAX ? n.substring(0, BASE_MAX - 3) + "..." : n;
    }

    static String base(ServicePortName s, Protocol p) {
        return hashAndTruncate(s.namespace() + "/" + s.name() + "/" + p.lowerName() + "/" + s.portName());
    }

    static String endpointBase(ServicePortName s, Protocol p, Endpoint e) {
        return hashAndTruncate(s.namespace() + "/" + s.name() + "/" + p.lowerName() + "/" + s.portName() + "__"
                + e.ip().toString().replace(':', '.') + "/" + e.port());
    }

    /**
     * The cluster traffic policy chain, e.g. {@code service-ULMVA6XW-ns1/svc1/tcp/p80}.
     *
     * @param s the service port
     * @param p the protocol
     * @return the chain's name
     */
    public static String service(ServicePortName s, Protocol p) {
        return "service-" + base(s, p);
    }

    /**
     * The local traffic policy chain.
     *
     * @param s the service port
     * @param p the protocol
     * @return the local traffic policy chain
     */
    public static String local(ServicePortName s, Protocol p) {
        return "local-" + base(s, p);
    }

    /**
     * The chain of traffic to node ports, external IPs and load-balancer IPs.
     *
     * @param s the service port
     * @param p the protocol
     * @return the chain of traffic to node ports, external IPs and load-balancer IPs
     */
    public static String external(ServicePortName s, Protocol p) {
        return "external-" + base(s, p);
    }

    /**
     * The chain that drops load-balancer traffic from outside the source ranges.
     *
     * @param s the service port
     * @param p the protocol
     * @return the chain that drops load-balancer traffic from outside the source ranges
     */
    public static String firewall(ServicePortName s, Protocol p) {
        return "firewall-" + base(s, p);
    }

    /**
     * An endpoint's chain, e.g. {@code endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80}.
     *
     * @param s the service port
     * @param p the protocol
     * @param e the endpoint
     * @return the chain's name
     */
    public static String endpoint(ServicePortName s, Protocol p, Endpoint e) {
        return "endpoint-" + endpointBase(s, p, e);
    }

    /**
     * An endpoint's session-affinity set (ClientIP affinity).
     *
     * @param s the service port
     * @param p the protocol
     * @param e the endpoint
     * @return an endpoint's session-affinity set (ClientIP affinity)
     */
    public static String affinity(ServicePortName s, Protocol p, Endpoint e) {
        return "affinity-" + endpointBase(s, p, e);
    }

    /**
     * kube-proxy tells its per-service chains from its fixed ones by the {@code /} only they have.
     *
     * @param chain a chain's name
     * @return true for a per-service chain
     */
    public static boolean isServiceChain(String chain) {
        return chain.contains("/");
    }

    /**
     * Whether a set is one of kube-proxy's per-endpoint session-affinity sets ({@code affinity-...}).
     *
     * @param set the set's name
     * @return true for an affinity set
     */
    public static boolean isAffinitySet(String set) {
        return set.startsWith("affinity-");
    }
}
