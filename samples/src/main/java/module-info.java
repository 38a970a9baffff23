// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/** Runnable examples: the service-VIP demo on throw-away network namespaces and the benchmark runner. */
module dev.svcproxy.samples {
    requires dev.svcproxy.api;
    requires dev.svcproxy.iptables;
    requires dev.svcproxy.ipset;
    requires dev.svcproxy.conntrack;
    requires dev.svcproxy.ipvs;
    requires dev.svcproxy.netlink;
    requires dev.svcproxy.k8s;
    requires dev.svcproxy.nftables;
    requires org.slf4j;
    requires java.management; // MemoryBench: live heap, GC time

    exports dev.svcproxy.samples;
    exports dev.svcproxy.samples.demo;
    exports dev.svcproxy.samples.embed;
    exports dev.svcproxy.samples.bench;
    exports dev.svcproxy.samples.scheduler;
    exports dev.svcproxy.samples.cli;

    provides dev.svcproxy.api.spi.Scheduler with dev.svcproxy.samples.scheduler.PreferLocalScheduler;
}
