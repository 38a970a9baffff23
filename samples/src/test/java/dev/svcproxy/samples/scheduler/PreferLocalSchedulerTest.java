// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.Schedulers;
import dev.svcproxy.api.spi.SyncResult;
import dev.svcproxy.iptables.FakeIptables;
import dev.svcproxy.iptables.Match;
import dev.svcproxy.iptables.Rule;
import dev.svcproxy.iptables.Table;
import dev.svcproxy.iptables.kube.IptablesBackend;
import dev.svcproxy.iptables.kube.KubeChains;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreferLocalSchedulerTest {

    @Test
    void isDiscoveredAndItsWeightsBecomeProbabilities() {
        assertEquals(PreferLocalScheduler.class, Schedulers.find("prefer-local").getClass());
        VirtualService svc = VirtualService.builder().name(ServicePortName.parse("ns/web")).protocol(Protocol.TCP)
                .port(80).clusterIp(IpAddress.parse("10.96.0.7")).scheduler("prefer-local")
                .addClusterEndpoints(Endpoint.parse("10.244.1.5:80"), Endpoint.parse("10.244.2.5:80"))
                .addClusterEndpoint(Endpoint.builder().from(Endpoint.parse("10.244.0.9:80")).local(true).build())
                .build();
        VirtualService unknown = VirtualService.builder().from(svc).name(ServicePortName.parse("ns/other"))
                .clusterIp(IpAddress.parse("10.96.0.8")).scheduler("no-such-scheduler").build();
        FakeIptables fake = new FakeIptables(IpFamily.IPV4);
        SyncResult r = new IptablesBackend(fake, BackendContext.defaults())
                .sync(ServiceTable.builder().family(IpFamily.IPV4).addService(svc).addService(unknown).build());
        // the local endpoint first with 3/5, then 1/2 of the rest, then the last
        List<Rule> rules = fake.save().rules(Table.NAT, KubeChains.service(svc.name(), Protocol.TCP).name());
        assertEquals(3, rules.size(), rules.toString());
        assertTrue(rules.get(0).toString().contains("10.244.0.9:80"), rules.get(0).toString());
        assertEquals(Match.probability(0.6), rules.get(0).matches().stream().filter(m -> m instanceof Match.Statistic).findFirst().orElseThrow());
        assertEquals(Match.probability(0.5), rules.get(1).matches().stream().filter(m -> m instanceof Match.Statistic).findFirst().orElseThrow());
        // a service naming a missing scheduler is skipped, named, and does not stop the other
        assertEquals(1, r.skipped().size());
        assertEquals("ns/other/tcp", r.skipped().get(0).object());
        assertTrue(r.skipped().get(0).reason().contains("no-such-scheduler"), r.skipped().get(0).reason());
    }

    @Test
    void inIpvsModeItChoosesWrrAndItsWeightsBecomeRealServerWeights() {
        VirtualService svc = VirtualService.builder().name(ServicePortName.parse("ns/web")).protocol(Protocol.TCP)
                .port(80).clusterIp(IpAddress.parse("10.96.0.7")).scheduler("prefer-local")
                .addClusterEndpoints(Endpoint.parse("10.244.1.5:80"))
                .addClusterEndpoint(Endpoint.builder().from(Endpoint.parse("10.244.0.9:80")).local(true).build())
                .build();
        VirtualService unknown = VirtualService.builder().from(svc).name(ServicePortName.parse("ns/other"))
                .clusterIp(IpAddress.parse("10.96.0.8")).scheduler("no-such-scheduler").build();
        List<SyncResult.Skipped> skipped = new java.util.ArrayList<>();
        String ipvs = new dev.svcproxy.ipvs.kube.IpvsProxyRules(BackendContext.defaults(), "rr", true)
                .build(ServiceTable.builder().family(IpFamily.IPV4).addService(svc).addService(unknown).build(), List.of(), skipped)
                .ipvs().toString();
        assertTrue(ipvs.contains("-A -t 10.96.0.7:80 -s wrr\n"), ipvs);
        assertTrue(ipvs.contains("-a -t 10.96.0.7:80 -r 10.244.0.9:80 -m -w 3\n"), ipvs);
        assertTrue(ipvs.contains("-a -t 10.96.0.7:80 -r 10.244.1.5:80 -m -w 1\n"), ipvs);
        assertEquals(1, skipped.size(), skipped.toString());
        assertTrue(skipped.get(0).reason().contains("no-such-scheduler") && !ipvs.contains("10.96.0.8"), skipped.toString());
    }
}
