// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables.kube;

import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.spi.Availability;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.ServiceProxyBackend;
import dev.svcproxy.api.spi.ServiceProxyBackendProvider;
import dev.svcproxy.nftables.FakeNftables;
import dev.svcproxy.nftables.NftablesClient;

/** The {@code nftables} backend: kube-proxy's nftables mode, over nf_tables netlink. Available where nf_tables answers. */
public final class NftablesBackendProvider implements ServiceProxyBackendProvider {
    /** The mode's name, {@code nftables}, as {@code --proxy-mode} and the configuration's {@code mode} give it. */
    public static final String NAME = "nftables";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 30;
    }

    @Override
    public Availability availability(BackendContext context) {
        try (NftablesClient c = client(context)) {
            c.tables();
            return Availability.yes();
        } catch (SvcProxyException e) {
            return Availability.no(e.getMessage());
        }
    }

    @Override
    public ServiceProxyBackend create(BackendContext context) {
        return new NftablesBackend(client(context), context);
    }

    /** Renders without the kernel: the layout does not depend on what the kernel has. */
    @Override
    public String render(BackendContext context, ServiceTable table) {
        try (NftablesBackend b = new NftablesBackend(new FakeNftables(), context)) {
            return b.render(table);
        }
    }

    /** {@link #render(BackendContext, ServiceTable)}, one command at a time. */
    @Override
    public void render(BackendContext context, ServiceTable table, Appendable out) throws java.io.IOException {
        try (NftablesBackend b = new NftablesBackend(new FakeNftables(), context)) {
            b.render(table, out);
        }
    }

    private static NftablesClient client(BackendContext context) {
        return context.netns().map(NftablesClient::open).orElseGet(NftablesClient::open);
    }
}
