// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.BackendUnavailableException;
import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.ServicePortName;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.Protocol;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendsTest {

    record Stub(String name, int priority, Availability availability) implements ServiceProxyBackendProvider {
        @Override
        public Availability availability(BackendContext context) {
            return availability;
        }

        @Override
        public ServiceProxyBackend create(BackendContext context) {
            return new ServiceProxyBackend() {
                @Override
                public String name() {
                    return Stub.this.name;
                }

                @Override
                public SyncResult sync(ServiceTable desired) {
                    return new SyncResult(true, List.of(), Duration.ZERO);
                }

                @Override
                public String render(ServiceTable desired) {
                    return "";
                }

                @Override
                public void removeLeftovers(SharedState keep) {
                }
            };
        }
    }

    private final Stub ipvs = new Stub("ipvs", 20, Availability.no("IPVS not available: no ip_vs module"));
    private final Stub nft = new Stub("nftables", 30, Availability.yes());
    private final Stub ipt = new Stub("iptables", 10, Availability.no("iptables-restore not found"));
    private final BackendContext ctx = BackendContext.defaults();

    @Test
    void firstAvailableByPriorityWhenNoNameIsGiven() {
        assertSame(nft, Backends.select(List.of(ipt, ipvs, nft), null, ctx));
    }

    @Test
    void anExplicitNameWinsAndIsNeverReplaced() {
        assertSame(nft, Backends.select(List.of(ipt, ipvs, nft), "nftables", ctx));
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.select(List.of(ipt, ipvs, nft), "ipvs", ctx));
        assertTrue(e.getMessage().contains("IPVS not available: no ip_vs module"), e.getMessage());
        BackendUnavailableException missing = assertThrows(BackendUnavailableException.class,
                () -> Backends.select(List.of(ipt, nft), "bpf", ctx));
        assertTrue(missing.getMessage().contains("no backend named 'bpf'"), missing.getMessage());
    }

    @Test
    void whenNothingIsUsableEveryReasonIsListed() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.select(List.of(ipt, ipvs), "", ctx));
        assertEquals("iptables-restore not found", e.reasons().get("iptables"));
        assertEquals("IPVS not available: no ip_vs module", e.reasons().get("ipvs"));
        assertTrue(e.getMessage().contains("iptables: iptables-restore not found"), e.getMessage());
    }

    @Test
    void aProviderIsCreatedOnAnAvailabilityProbedBeforeOrRefusedWithItsReason() {
        assertEquals("nftables", Backends.create(nft, ctx, Availability.yes()).name());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.create(nft, ctx, Availability.no("nf_tables: permission denied")));
        assertEquals("nf_tables: permission denied", e.reasons().get("nftables"));
        assertTrue(e.getMessage().contains("backend 'nftables' cannot run here"), e.getMessage());
        BackendUnavailableException probedNow = assertThrows(BackendUnavailableException.class,
                () -> Backends.create(ipvs, ctx));
        BackendUnavailableException probedBefore = assertThrows(BackendUnavailableException.class,
                () -> Backends.create(ipvs, ctx, ipvs.availability(ctx)));
        assertEquals(probedNow.getMessage(), probedBefore.getMessage());
        assertEquals(probedNow.reasons(), probedBefore.reasons());
    }

    @Test
    void noProvidersIsExplained() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.select(List.of(), null, ctx));
        assertTrue(e.getMessage().contains("no backend is installed"), e.getMessage());
    }

    @Test
    void theRandomSchedulerIsFoundThroughServiceLoader() {
        Scheduler s = Schedulers.find("random");
        assertEquals(RandomScheduler.class, s.getClass());
        NotFoundException e = assertThrows(NotFoundException.class, () -> Schedulers.find("wrr-magic"));
        assertTrue(e.getMessage().contains("installed: random"), e.getMessage());
    }

    @Test
    void schedulerContractIsChecked() {
        VirtualService svc = VirtualService.builder().name(ServicePortName.parse("ns/a")).protocol(Protocol.TCP)
                .port(80).clusterIp(IpAddress.parse("10.96.0.1")).build();
        List<Endpoint> eps = List.of(Endpoint.parse("10.0.0.1:80"), Endpoint.parse("10.0.0.2:80"));
        assertEquals(2, Schedulers.schedule(new RandomScheduler(), "iptables", svc, eps).size());
        Scheduler rogue = new Scheduler() {
            @Override
            public String name() {
                return "rogue";
            }

            @Override
            public boolean supports(String backend) {
                return !backend.equals("ipvs");
            }

            @Override
            public List<WeightedEndpoint> schedule(VirtualService service, List<Endpoint> endpoints) {
                return List.of(new WeightedEndpoint(Endpoint.parse("10.9.9.9:80"), 1));
            }
        };
        InvalidInputException unknown = assertThrows(InvalidInputException.class,
                () -> Schedulers.schedule(rogue, "iptables", svc, eps));
        assertTrue(unknown.getMessage().contains("ns/a"), unknown.getMessage());
        InvalidInputException unsupported = assertThrows(InvalidInputException.class,
                () -> Schedulers.schedule(rogue, "ipvs", svc, eps));
        assertTrue(unsupported.getMessage().contains("ipvs backend"), unsupported.getMessage());
    }
}
