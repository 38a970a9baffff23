// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipset.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.AlreadyExistsException;
import dev.svcproxy.api.BusyException;
import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.ipset.Entry;
import dev.svcproxy.ipset.IpSet;
import dev.svcproxy.ipset.IpsetBatch;
import dev.svcproxy.ipset.IpsetClient;
import dev.svcproxy.ipset.SetType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every {@link IpsetClient} must do, the kernel's and the fake alike; {@link #client()} is fresh per test. */
public abstract class IpsetClientContract {
    static final IpAddress A = IpAddress.parse("10.244.0.27");
    static final IpSet LOOP = IpSet.hash("KUBE-LOOP-BACK", SetType.HASH_IP_PORT_IP, IpFamily.IPV4);

    /**
     * The client under test, over no sets, fresh for each test.
     *
     * @return a new client
     */
    protected abstract IpsetClient client();

    @Test
    void addTestDeleteAreIdempotentWhereTheKernelIs() {
        IpsetClient c = client();
        c.create(LOOP);
        c.create(LOOP);
        Entry e = Entry.ipPortIp(A, Protocol.TCP, 80, A);
        c.add(LOOP, e);
        c.add(LOOP, e);
        assertTrue(c.test(LOOP, e));
        assertEquals(List.of(e), c.list("KUBE-LOOP-BACK").orElseThrow().entries());
        c.delete(LOOP, e);
        c.delete(LOOP, e);
        assertFalse(c.test(LOOP, e));
        assertThrows(InvalidInputException.class, () -> c.add(LOOP, Entry.ip(A)));
    }

    @Test
    void missingSetsAndConflictsAreTyped() {
        IpsetClient c = client();
        assertThrows(NotFoundException.class, () -> c.flush("NOPE"));
        assertThrows(NotFoundException.class, () -> c.destroy("NOPE"));
        assertThrows(NotFoundException.class, () -> c.add(LOOP, Entry.ipPortIp(A, Protocol.TCP, 80, A)));
        assertTrue(c.list("NOPE").isEmpty());
        c.create(LOOP);
        assertThrows(AlreadyExistsException.class, () -> c.create(IpSet.hash("KUBE-LOOP-BACK", SetType.HASH_IP, IpFamily.IPV4)));
        IpSet all = IpSet.listSet("KUBE-ALL");
        c.create(all);
        c.add(all, Entry.member("KUBE-LOOP-BACK"));
        assertThrows(BusyException.class, () -> c.destroy("KUBE-LOOP-BACK"));
        c.flush("KUBE-ALL");
        c.destroy("KUBE-LOOP-BACK");
        assertTrue(c.list("KUBE-LOOP-BACK").isEmpty());
    }

    @Test
    void fullSetsRefuseAddsAndBatchesReportEachFailure() {
        IpsetClient c = client();
        IpSet small = IpSet.hash("SMALL", SetType.HASH_IP, IpFamily.IPV4).withSizes(64, 8);
        c.create(small);
        IpsetBatch b = new IpsetBatch();
        for (int i = 1; i <= 8; i++) {
            b.add(small, Entry.ip(IpAddress.parse("10.0.0." + i)));
        }
        assertTrue(c.apply(b).isEmpty());
        assertEquals(8, c.list("SMALL").orElseThrow().entries().size());
        c.add(small, Entry.ip(IpAddress.parse("10.0.0.1"))); // already there: fine even when full
        IpsetBatch del = new IpsetBatch().delete(small, Entry.ip(IpAddress.parse("10.0.0.99")));
        assertTrue(c.apply(del).isEmpty(), "deleting an absent entry is not a failure");
    }

    @Test
    void swapAndRename() {
        IpsetClient c = client();
        IpSet a = IpSet.hash("SA", SetType.HASH_IP, IpFamily.IPV4);
        IpSet b = IpSet.hash("SB", SetType.HASH_IP, IpFamily.IPV4);
        c.create(a);
        c.create(b);
        c.add(a, Entry.ip(A));
        c.swap("SA", "SB");
        assertTrue(c.list("SA").orElseThrow().entries().isEmpty());
        assertEquals(List.of(Entry.ip(A)), c.list("SB").orElseThrow().entries());
        assertThrows(AlreadyExistsException.class, () -> c.rename("SA", "SB"));
        c.rename("SA", "SC");
        assertTrue(c.list("SA").isEmpty());
        assertTrue(c.list("SC").isPresent());
        c.create(IpSet.hash("SN", SetType.HASH_NET, IpFamily.IPV4));
        assertThrows(InvalidInputException.class, () -> c.swap("SB", "SN"));
    }
}
