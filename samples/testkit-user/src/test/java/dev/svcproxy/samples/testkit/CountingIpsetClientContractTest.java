// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.ipset.FakeIpset;
import dev.svcproxy.ipset.IpSet;
import dev.svcproxy.ipset.IpsetClient;
import dev.svcproxy.ipset.SetType;
import dev.svcproxy.ipset.testkit.IpsetClientContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A user's adapter held to the ipset compatibility kit, as a user's own test does it: the kit's module
 * ({@code dev.svcproxy.ipset.testkit}) on the module path, the contract extended, a fresh client per test. Every
 * check of the kit runs against {@link CountingIpsetClient} around {@link FakeIpset}; the test below adds the
 * adapter's own promise.
 */
class CountingIpsetClientContractTest extends IpsetClientContract {
    private final List<CountingIpsetClient> made = new ArrayList<>();

    @Override
    protected IpsetClient client() {
        CountingIpsetClient c = new CountingIpsetClient(new FakeIpset());
        made.add(c);
        return c;
    }

    @AfterEach
    void everyKitTestChangedSomethingThroughTheAdapter() {
        assertTrue(made.stream().allMatch(c -> c.changes() > 0), "the kit's changes went through the adapter");
    }

    @Test
    void theKitIsTheNamedModuleOnTheModulePath() {
        assertEquals("dev.svcproxy.ipset.testkit", IpsetClientContract.class.getModule().getName());
        assertEquals("dev.svcproxy.samples.testkit", getClass().getModule().getName());
    }

    @Test
    void countsChangesButNotReads() {
        CountingIpsetClient c = (CountingIpsetClient) client();
        IpSet set = IpSet.hash("KUBE-CLUSTER-IP", SetType.HASH_IP_PORT, IpFamily.IPV4);
        c.create(set);
        c.list();
        c.list("KUBE-CLUSTER-IP");
        c.flush("KUBE-CLUSTER-IP");
        assertEquals(2, c.changes());
    }
}
