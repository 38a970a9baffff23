// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs.kube;

import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.spi.Availability;
import dev.svcproxy.api.spi.SyncResult;
import java.util.ArrayList;
import java.util.List;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.ServiceProxyBackend;
import dev.svcproxy.api.spi.ServiceProxyBackendProvider;
import dev.svcproxy.ipset.IpsetClient;
import dev.svcproxy.iptables.IptablesClient;
import dev.svcproxy.ipvs.IpvsClient;
import dev.svcproxy.netlink.route.RouteClient;

/** The {@code ipvs} backend: kube-proxy's IPVS mode. Available where the kernel has IPVS (module {@code ip_vs}). */
public final class IpvsBackendProvider implements ServiceProxyBackendProvider {
    /** The mode's name, {@code ipvs}, as {@code --proxy-mode} and the configuration's {@code mode} give it. */
    public static final String NAME = "ipvs";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 20;
    }

    @Override
    public Availability availability(BackendContext context) {
        return IpvsClient.availability();
    }

    @Override
    public ServiceProxyBackend create(BackendContext context) {
        IptablesClient.Builder ipt = IptablesClient.newBuilder().family(context.family());
        context.netns().ifPresent(ipt::netns);
        IpvsClient ipvs = context.netns().map(IpvsClient::open).orElseGet(IpvsClient::open);
        IpsetClient ipset = null;
        try {
            ipset = context.netns().map(IpsetClient::open).orElseGet(IpsetClient::open);
            RouteClient route = context.netns().map(RouteClient::open).orElseGet(RouteClient::open);
            return new IpvsBackend(context, ipvs, ipset, route, ipt.build());
        } catch (RuntimeException e) {
            ipvs.close();
            if (ipset != null) {
                ipset.close();
            }
            throw e;
        }
    }

    /** Renders without the kernel (node ports on the Node object's addresses), so it works where IPVS is missing. */
    @Override
    public String render(BackendContext context, ServiceTable table) {
        List<SyncResult.Skipped> skipped = new ArrayList<>();
        return IpvsBackend.rules(context, true).build(table, table.nodeIps(), skipped).render();
    }
}
