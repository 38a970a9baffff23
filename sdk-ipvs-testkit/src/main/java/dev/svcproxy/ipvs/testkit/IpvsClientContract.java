// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.AlreadyExistsException;
import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.ipvs.ApplyResult;
import dev.svcproxy.ipvs.Destination;
import dev.svcproxy.ipvs.ForwardingMethod;
import dev.svcproxy.ipvs.IpvsClient;
import dev.svcproxy.ipvs.IpvsTable;
import dev.svcproxy.ipvs.ObservedDestination;
import dev.svcproxy.ipvs.ObservedService;
import dev.svcproxy.ipvs.ServiceFlag;
import dev.svcproxy.ipvs.ServiceKey;
import dev.svcproxy.ipvs.Timeouts;
import dev.svcproxy.ipvs.Tunnel;
import dev.svcproxy.ipvs.VirtualServer;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What every {@link IpvsClient} must do, the kernel's and the fake alike; {@link #client()} is an empty table. */
public abstract class IpvsClientContract {
    static final IpAddress VIP = IpAddress.parse("10.101.57.97");
    static final IpAddress EP1 = IpAddress.parse("10.244.0.27");
    static final IpAddress EP2 = IpAddress.parse("10.244.0.28");
    static final IpAddress EP3 = IpAddress.parse("10.244.0.30");
    static final ServiceKey WEB = ServiceKey.of(Protocol.TCP, VIP, 80);

    /**
     * The client under test, over an empty IPVS table, fresh for each test.
     *
     * @return a new client
     */
    protected abstract IpvsClient client();

    static List<Destination> dests(ObservedDestination... ds) {
        return java.util.Arrays.stream(ds).map(ObservedDestination::destination).toList();
    }

    /**
     * Every kind of field the SDK models, in one table: for users' own round-trip tests too.
     *
     * @return a new table
     */
    public static IpvsTable everyField() {
        return new IpvsTable()
                .add(VirtualServer.of(WEB, "rr"), Destination.masq(EP1, 80, 1), Destination.masq(EP2, 8080, 3)
                        .withThresholds(100, 10), Destination.of(EP3, 9999, ForwardingMethod.ROUTE, 2))
                .add(VirtualServer.of(ServiceKey.of(Protocol.UDP, IpAddress.parse("10.101.57.98"), 53), "sh")
                        .withFlags(Set.of(ServiceFlag.SH_FALLBACK, ServiceFlag.SH_PORT, ServiceFlag.ONE_PACKET))
                        .withPersistence(600).withPersistenceNetmask(24),
                        Destination.masq(EP1, 5353, 1).withTunnel(Tunnel.gue(6080, Tunnel.Checksum.REMCSUM)),
                        Destination.masq(EP2, 5353, 1).withTunnel(Tunnel.gre(Tunnel.Checksum.CSUM)),
                        Destination.masq(EP3, 5353, 1).withTunnel(Tunnel.IPIP))
                .add(VirtualServer.of(ServiceKey.of(Protocol.SCTP, IpAddress.parse("10.101.57.99"), 9000), "mh")
                        .withFlags(Set.of(ServiceFlag.MH_FALLBACK, ServiceFlag.MH_PORT)))
                .add(VirtualServer.of(ServiceKey.of(Protocol.TCP, IpAddress.parse("fd00::10"), 443), "lc")
                        .withPersistence(300).withPersistenceNetmask(64),
                        Destination.masq(IpAddress.parse("fd00::27"), 8443, 2))
                .add(VirtualServer.of(ServiceKey.fwmark(IpFamily.IPV4, 7), "wlc").withFlags(Set.of(ServiceFlag.FLAG_3)),
                        Destination.masq(EP1, 0, 1), Destination.of(EP2, 99, ForwardingMethod.ROUTE, 1))
                .add(VirtualServer.of(ServiceKey.fwmark(IpFamily.IPV6, 8), "dh").withFlags(Set.of(ServiceFlag.FLAG_1)));
    }

    @Test
    void everyFieldIsListedBackAsGiven() {
        IpvsClient c = client();
        IpvsTable want = everyField();
        ApplyResult r = c.apply(want);
        assertTrue(r.isComplete(), r.failures().toString());
        assertEquals(6, r.servicesAdded());
        assertEquals(9, r.destinationsAdded());
        assertEquals(want.services().stream().toList(), c.services().stream().map(ObservedService::service).toList());
        for (VirtualServer s : want.services()) {
            assertEquals(want.destinations(s.key()), dests(c.destinations(s.key()).toArray(ObservedDestination[]::new)),
                    s.key().toString());
            assertEquals(Optional.of(s), c.service(s.key()).map(ObservedService::service));
        }
        assertEquals(80, c.destinations(WEB).get(2).destination().port(),
                "a direct-routed real server takes the service's port");
        assertEquals(0, c.apply(want).changes(), "applying the same table again changes nothing");
    }

    @Test
    void applyChangeSendsOnlyTheDifferenceAndTrustsTheGivenTable() {
        IpvsClient c = client();
        IpvsTable before = everyField();
        assertTrue(c.apply(before).isComplete());
        IpvsTable after = new IpvsTable();
        for (VirtualServer s : before.services()) {
            if (s.key().equals(WEB)) {
                after.add(s.withScheduler("wrr"), Destination.masq(EP1, 80, 5), Destination.masq(EP3, 81, 1));
            } else if (!s.key().protocol().equals(Optional.of(Protocol.SCTP))) {
                after.add(s, before.destinations(s.key()));
            }
        }
        after.add(VirtualServer.of(ServiceKey.of(Protocol.TCP, VIP, 443), "rr"), Destination.masq(EP2, 443, 1));
        ApplyResult r = c.applyChange(before, after);
        assertTrue(r.isComplete(), r.failures().toString());
        assertEquals(List.of(1, 1, 1, 2, 1, 2), List.of(r.servicesAdded(), r.servicesEdited(), r.servicesDeleted(),
                r.destinationsAdded(), r.destinationsEdited(), r.destinationsDeleted()));
        assertEquals(after.services().stream().toList(), c.services().stream().map(ObservedService::service).toList());
        for (VirtualServer s : after.services()) {
            assertEquals(after.destinations(s.key()), dests(c.destinations(s.key()).toArray(ObservedDestination[]::new)),
                    s.key().toString());
        }
        assertEquals(0, c.applyChange(after, after).changes(), "no difference, nothing sent");
        c.deleteService(WEB);
        assertEquals(0, c.applyChange(after, after).changes(), "the given table is trusted, the kernel is not read");
        assertEquals(1, c.apply(after).servicesAdded(), "apply reads the kernel and repairs it");
    }

    @Test
    void addEditDeleteOneByOne() {
        IpvsClient c = client();
        VirtualServer web = VirtualServer.of(WEB, "rr");
        c.addService(web);
        c.addDestination(WEB, Destination.masq(EP1, 80, 1));
        c.addDestination(WEB, Destination.masq(EP2, 80, 1));
        VirtualServer sticky = web.withScheduler("wrr").withPersistence(10800);
        c.editService(sticky);
        assertEquals(Optional.of(sticky), c.service(WEB).map(ObservedService::service));
        c.editDestination(WEB, Destination.masq(EP2, 80, 0));
        assertEquals(List.of(Destination.masq(EP1, 80, 1), Destination.masq(EP2, 80, 0)),
                dests(c.destinations(WEB).toArray(ObservedDestination[]::new)));
        ObservedDestination d = c.destinations(WEB).get(0);
        assertFalse(d.hasConnections());
        c.deleteDestination(WEB, EP1, 80);
        assertEquals(1, c.destinations(WEB).size());
        c.deleteService(WEB);
        assertTrue(c.services().isEmpty());
        assertTrue(c.service(WEB).isEmpty());
    }

    @Test
    void refusalsAreTypedAndNameTheObject() {
        IpvsClient c = client();
        c.addService(VirtualServer.of(WEB, "rr"));
        assertThrows(AlreadyExistsException.class, () -> c.addService(VirtualServer.of(WEB, "rr")));
        InvalidInputException sched = assertThrows(InvalidInputException.class,
                () -> c.addService(VirtualServer.of(ServiceKey.of(Protocol.TCP, VIP, 81), "nosuch")));
        assertTrue(sched.getMessage().contains("unknown scheduler 'nosuch'"), sched.getMessage());
        assertTrue(sched.getMessage().contains("-A -t 10.101.57.97:81 -s nosuch"), sched.getMessage());
        ServiceKey missing = ServiceKey.of(Protocol.UDP, VIP, 53);
        NotFoundException nf = assertThrows(NotFoundException.class, () -> c.addDestination(missing, Destination.masq(EP1, 53, 1)));
        assertTrue(nf.getMessage().contains("-a -u 10.101.57.97:53 -r 10.244.0.27:53"), nf.getMessage());
        assertThrows(NotFoundException.class, () -> c.destinations(missing));
        assertThrows(NotFoundException.class, () -> c.deleteService(missing));
        c.addDestination(WEB, Destination.masq(EP1, 80, 1));
        assertThrows(AlreadyExistsException.class, () -> c.addDestination(WEB, Destination.masq(EP1, 80, 5)));
        assertThrows(NotFoundException.class, () -> c.deleteDestination(WEB, EP2, 80));
        assertThrows(NotFoundException.class, () -> c.editDestination(WEB, Destination.masq(EP2, 80, 1)));
        assertThrows(NotFoundException.class, () -> c.editService(VirtualServer.of(missing, "rr")));
        assertEquals(1, c.services().size(), "nothing half-applied");
    }

    @Test
    void applyReconcilesAndReportsEachRefusal() {
        IpvsClient c = client();
        ServiceKey foreign = ServiceKey.of(Protocol.TCP, IpAddress.parse("192.0.2.1"), 22);
        c.addService(VirtualServer.of(foreign, "rr"));
        ServiceKey dns = ServiceKey.of(Protocol.UDP, VIP, 53);
        ServiceKey stale = ServiceKey.of(Protocol.TCP, VIP, 8080);
        c.apply(new IpvsTable()
                .add(VirtualServer.of(WEB, "rr"), Destination.masq(EP1, 80, 1), Destination.masq(EP2, 80, 1))
                .add(VirtualServer.of(dns, "rr"), Destination.masq(EP1, 53, 1))
                .add(VirtualServer.of(stale, "rr"), Destination.masq(EP3, 8080, 1)), k -> !k.equals(foreign));
        IpvsTable next = new IpvsTable()
                .add(VirtualServer.of(WEB, "rr"), Destination.masq(EP2, 80, 1), Destination.masq(EP3, 80, 1))
                .add(VirtualServer.of(dns, "lc"), Destination.masq(EP1, 53, 2))
                .add(VirtualServer.of(ServiceKey.of(Protocol.TCP, VIP, 81), "nosuch"), Destination.masq(EP1, 81, 1));
        ApplyResult r = c.apply(next, k -> !k.equals(foreign));
        assertEquals(1, r.servicesEdited());
        assertEquals(1, r.servicesDeleted());
        assertEquals(1, r.destinationsAdded());
        assertEquals(1, r.destinationsEdited());
        assertEquals(1, r.destinationsDeleted());
        assertEquals(2, r.failures().size(), r.failures().toString());
        assertTrue(r.failures().get("-A -t 10.101.57.97:81 -s nosuch") instanceof InvalidInputException, r.failures().toString());
        assertTrue(r.failures().get("-a -t 10.101.57.97:81 -r 10.244.0.27:81 -m -w 1") instanceof NotFoundException,
                r.failures().toString());
        assertTrue(c.service(foreign).isPresent(), "services the caller does not own are left alone");
        assertTrue(c.service(stale).isEmpty());
        assertEquals(List.of(Destination.masq(EP2, 80, 1), Destination.masq(EP3, 80, 1)),
                dests(c.destinations(WEB).toArray(ObservedDestination[]::new)));
        assertEquals("lc", c.service(dns).orElseThrow().service().scheduler());
        r = c.apply(new IpvsTable());
        assertEquals(3, r.servicesDeleted(), "owning everything, an empty table empties the kernel's");
        assertTrue(c.services().isEmpty());
    }

    @Test
    void timeoutsAndFlush() {
        IpvsClient c = client();
        c.setTimeouts(new Timeouts(900, 120, 300));
        assertEquals(new Timeouts(900, 120, 300), c.timeouts());
        c.setTimeouts(new Timeouts(0, 0, 60));
        assertEquals(new Timeouts(900, 120, 60), c.timeouts(), "0 leaves a timeout as it is");
        c.apply(everyField());
        c.flush();
        assertTrue(c.services().isEmpty());
        assertEquals("1.2.1", c.info().version());
    }
}
