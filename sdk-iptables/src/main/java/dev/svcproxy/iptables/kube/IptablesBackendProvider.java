// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.kube;

import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.spi.Availability;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.ServiceProxyBackend;
import dev.svcproxy.api.spi.ServiceProxyBackendProvider;
import dev.svcproxy.iptables.IptablesClient;
import dev.svcproxy.iptables.Table;
import java.io.IOException;
import java.util.Optional;

/** The {@code iptables} backend: kube-proxy's iptables mode. Available where {@code iptables-save} works as this user. */
public final class IptablesBackendProvider implements ServiceProxyBackendProvider {
    /** The mode's name, {@code iptables}, as {@code --proxy-mode} and the configuration's {@code mode} give it. */
    public static final String NAME = "iptables";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Availability availability(BackendContext context) {
        try {
            // the table's chains, not its rules: a 10,000-service table parsed whole (430,000 rules) would not fit a
            // 256 MiB heap beside the proxy's own state, and the probe needs only that the table can be read
            client(context).save(Table.NAT, c -> false);
            return Availability.yes();
        } catch (SvcProxyException e) {
            return Availability.no(e.getMessage());
        }
    }

    /** A backend that also owns the namespace's prerequisites ({@code route_localnet}, nfacct counters). */
    @Override
    public ServiceProxyBackend create(BackendContext context) {
        return new IptablesBackend(client(context), context, Optional.of(new NodeKernel(context.netns())));
    }

    /** Streams the payload from a backend, line by line. */
    @Override
    public void render(BackendContext context, ServiceTable table, Appendable out) throws IOException {
        try (ServiceProxyBackend b = create(context)) {
            b.render(table, out);
        }
    }

    private static IptablesClient client(BackendContext context) {
        IptablesClient.Builder b = IptablesClient.newBuilder().family(context.family());
        context.netns().ifPresent(b::netns);
        return b.build();
    }
}
