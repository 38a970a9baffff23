// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.kube;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.SessionAffinity;
import dev.svcproxy.api.model.TrafficPolicy;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.LocalTraffic;
import java.util.List;

/**
 * kube-proxy's overall nftables scenario (its {@code TestOverallNFTablesRules}): a ClusterIP service, a LoadBalancer
 * with {@code externalTrafficPolicy: Local} and no local endpoint, a NodePort, an external IP with two endpoints, a
 * LoadBalancer with source ranges and ClientIP affinity, and a service with no endpoints. {@code overall.nft} is
 * kube-proxy's table for it.
 */
final class Scenario {
    static final IpAddress NODE_IP = IpAddress.parse("192.168.0.2");

    private Scenario() {
    }

    static BackendContext context() {
        return BackendContext.builder().localTraffic(LocalTraffic.fromCidrs(Cidr.parse("10.0.0.0/8")))
                .addNodePortAddresses(Cidr.parse("192.168.0.2/32")).build();
    }

    static Endpoint ep(String hostPort) {
        return Endpoint.parse(hostPort);
    }

    static VirtualService.Builder svc(String ns, String name, String clusterIp) {
        return VirtualService.builder().name(ServicePortName.of(ns, name, "p80")).protocol(Protocol.TCP).port(80)
                .clusterIp(IpAddress.parse(clusterIp));
    }

    static List<VirtualService> services() {
        return List.of(
                svc("ns1", "svc1", "172.30.0.41").addClusterEndpoints(ep("10.180.0.1:80")).build(),
                svc("ns2", "svc2", "172.30.0.42").nodePort(3001).addLoadBalancerIps(IpAddress.parse("1.2.3.4"))
                        .addExternalIps(IpAddress.parse("192.168.99.22")).externalTrafficPolicy(TrafficPolicy.LOCAL)
                        .healthCheckNodePort(30000).addClusterEndpoints(ep("10.180.0.2:80")).build(),
                svc("ns3", "svc3", "172.30.0.43").nodePort(3003).addClusterEndpoints(ep("10.180.0.3:80")).build(),
                svc("ns4", "svc4", "172.30.0.44").addExternalIps(IpAddress.parse("192.168.99.33"))
                        .addClusterEndpoints(ep("10.180.0.4:80"), ep("10.180.0.5:80")).build(),
                svc("ns5", "svc5", "172.30.0.45").nodePort(3002).addLoadBalancerIps(IpAddress.parse("5.6.7.8"))
                        .addLoadBalancerSourceRanges(Cidr.parse("203.0.113.0/25")).sessionAffinity(SessionAffinity.clientIp(10800))
                        .addClusterEndpoints(ep("10.180.0.3:80")).build(),
                svc("ns6", "svc6", "172.30.0.46").build());
    }

    static ServiceTable table(List<VirtualService> services) {
        return ServiceTable.builder().family(IpFamily.IPV4).addAllServices(services).addNodeIps(NODE_IP)
                .addServiceCidrs(Cidr.parse("172.30.0.0/16")).build();
    }

    static ServiceTable table() {
        return table(services());
    }
}
