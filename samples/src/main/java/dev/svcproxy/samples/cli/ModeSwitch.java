package dev.svcproxy.samples.cli;

import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.iptables.ChainName;
import dev.svcproxy.iptables.IptablesClient;
import dev.svcproxy.iptables.IptablesTransaction;
import dev.svcproxy.iptables.Table;
import dev.svcproxy.iptables.kube.KubeChains;
import dev.svcproxy.iptables.kube.BuiltinJumps;
import dev.svcproxy.iptables.kube.IptablesBackend;
import dev.svcproxy.iptables.kube.KubeProxyRules;
import dev.svcproxy.ipvs.IpvsClient;
import dev.svcproxy.ipvs.kube.IpvsBackend;
import dev.svcproxy.ipvs.kube.IpvsBackendProvider;
import dev.svcproxy.ipvs.kube.IpvsProxyRules;
import dev.svcproxy.k8s.ServiceTables;
import dev.svcproxy.netlink.route.RouteClient;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Switching proxy modes: the other mode's state is removed, as kube-proxy removes it at start. It runs after this
 * mode's first sync, which has already rewritten the chains both modes share ({@code KUBE-SERVICES},
 * {@code KUBE-POSTROUTING}, ...), so traffic to services never meets an empty table; what only the other mode
 * used (its service chains, jump rules, ipsets, virtual servers, {@code kube-ipvs0}) goes.
 */
final class ModeSwitch {
    private final ProxySetup setup;
    private final Consumer<String> log;

    ModeSwitch(ProxySetup setup, Consumer<String> log) {
        this.setup = setup;
        this.log = log;
    }

    /**
     * Before a full cleanup: deletes both modes' jump rules from the built-in chains and empties every chain either
     * mode owns (service chains and canary included), so that no rule refers to another mode's chain or to an
     * ipset; each mode's cleanup can then delete its chains and sets in any order.
     */
    static void unlinkBothModes(IpFamily family) {
        IptablesClient client = IptablesClient.newBuilder().family(family).build();
        KubeProxyRules iptablesMode = new KubeProxyRules(BackendContext.builder().family(family).build(), false);
        List<KubeProxyRules.JumpRule> jumps = new java.util.ArrayList<>(iptablesMode.jumpRules());
        jumps.addAll(IpvsProxyRules.jumpRules());
        BuiltinJumps.delete(client, jumps, List.of());
        IptablesTransaction tx = client.newTransaction();
        for (Table t : List.of(Table.NAT, Table.FILTER)) {
            Set<ChainName> mine = new HashSet<>(IpvsProxyRules.ownedChains(t));
            mine.addAll(iptablesMode.ownedChains(t));
            for (ChainName c : client.chains(t)) {
                if (mine.contains(c) || t == Table.NAT && (KubeChains.isServiceChain(c) || c.equals(KubeChains.CANARY))) {
                    tx.flushChain(t, c);
                }
            }
        }
        if (!tx.isEmpty()) {
            client.apply(tx);
        }
    }

    static boolean ipvsUsable() {
        return IpvsClient.availability().available();
    }

    /** Whether IPVS mode ran here: its dummy interface exists. */
    private static boolean ipvsLeftovers() {
        try (RouteClient route = RouteClient.open()) {
            return route.link(IpvsProxyRules.DUMMY_DEVICE).isPresent();
        } catch (SvcProxyException e) {
            return false;
        }
    }

    void removeOtherMode(ServiceTables.Result tables) {
        boolean ipvsMode = setup.config().mode().equals(IpvsBackendProvider.NAME);
        if (!ipvsMode && !(ipvsLeftovers() && ipvsUsable())) {
            return;
        }
        for (IpFamily f : IpFamily.values()) {
            BackendContext ctx = setup.context(f, tables.table(f), tables.podCidrs(), Map.of());
            try {
                if (ipvsMode) {
                    new IptablesBackend(IptablesClient.newBuilder().family(f).build(), ctx)
                            .removeLeftovers(IpvsProxyRules.jumpRules(), IpvsProxyRules::ownedChains);
                } else {
                    KubeProxyRules iptablesRules = new KubeProxyRules(ctx, false);
                    try (IpvsBackend ipvs = (IpvsBackend) new IpvsBackendProvider().create(ctx)) {
                        ipvs.removeLeftovers(iptablesRules.jumpRules(), iptablesRules::ownedChains);
                    }
                    log.accept("removed the IPVS mode's state (" + ProxySetup.familyName(f) + ")");
                }
            } catch (SvcProxyException e) {
                log.accept("could not remove the other mode's state (" + ProxySetup.familyName(f) + "): " + e.getMessage());
            }
        }
    }
}
