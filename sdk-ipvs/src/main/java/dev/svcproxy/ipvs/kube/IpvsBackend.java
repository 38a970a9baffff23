// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs.kube;

import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.SharedState;
import dev.svcproxy.api.spi.ServiceProxyBackend;
import dev.svcproxy.api.spi.SyncResult;
import dev.svcproxy.ipset.Entry;
import dev.svcproxy.ipset.IpSet;
import dev.svcproxy.ipset.IpsetBatch;
import dev.svcproxy.ipset.IpsetClient;
import dev.svcproxy.ipset.SetContents;
import dev.svcproxy.iptables.ChainName;
import dev.svcproxy.iptables.IptablesClient;
import dev.svcproxy.iptables.IptablesTransaction;
import dev.svcproxy.iptables.Table;
import dev.svcproxy.iptables.kube.BuiltinJumps;
import dev.svcproxy.ipvs.ApplyResult;
import dev.svcproxy.ipvs.Destination;
import dev.svcproxy.ipvs.IpvsClient;
import dev.svcproxy.ipvs.IpvsTable;
import dev.svcproxy.ipvs.ObservedDestination;
import dev.svcproxy.ipvs.ServiceKey;
import dev.svcproxy.ipvs.Timeouts;
import dev.svcproxy.ipvs.VirtualServer;
import dev.svcproxy.netlink.netns.Sysctls;
import dev.svcproxy.netlink.route.InterfaceAddress;
import dev.svcproxy.netlink.route.RouteClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-proxy's IPVS mode for one family ({@code pkg/proxy/ipvs/proxier.go}). A full sync writes what kube-proxy's
 * every sync writes, reading the kernel back:
 * the dummy interface {@code kube-ipvs0}, the ipsets (created if missing, entries diffed), the virtual and real
 * servers (one {@link IpvsClient#apply} batch; services of the other family and in {@code ipvs.excludeCIDRs} left
 * alone), the addresses bound to {@code kube-ipvs0} (stale ones unbound), and one iptables restore carrying any
 * missing jump rules. Syncs in between are incremental: they diff against what the last sync applied (see
 * {@link #sync}), so one changed endpoint costs one real server change.
 *
 * <p>Graceful termination: a TCP real server that leaves the table while it still has connections stays, with
 * weight 0, until they are gone (checked each sync); then it is deleted. It is deleted at once if it has none.
 */
public final class IpvsBackend implements ServiceProxyBackend {
    private static final Logger LOG = LoggerFactory.getLogger(IpvsBackend.class);

    private final IpFamily family;
    private final BackendContext context;
    private final IpvsClient ipvs;
    private final IpsetClient ipset;
    private final RouteClient route;
    private final IptablesClient iptables;
    private final IpvsProxyRules rules;
    private final List<Cidr> excluded;
    /** What the last sync applied, unless it failed or the kernel refused part of it. */
    private Optional<IpvsApplied> applied = Optional.empty();
    /** The IPVS table the last sync asked for, failed or not: where graceful termination starts from. */
    private IpvsTable lastTable = new IpvsTable();
    private long lastFullSync;
    private Map<String, Duration> lastPhases = Map.of();
    /** Real servers kept at weight 0 while their connections drain, by service. */
    private final Map<ServiceKey, Set<Destination>> terminating = new HashMap<>();

    /**
     * The IPVS backend for one family over the given clients (all for the same network namespace); the provider
     * builds it with the kernel's clients, tests with fakes.
     *
     * @param context the proxy's settings for this family
     * @param ipvs the IPVS client
     * @param ipset the ipset client
     * @param route the rtnetlink client, for {@code kube-ipvs0} and its addresses
     * @param iptables the iptables client of this family
     */
    public IpvsBackend(BackendContext context, IpvsClient ipvs, IpsetClient ipset, RouteClient route, IptablesClient iptables) {
        this.family = context.family();
        this.context = context;
        this.ipvs = ipvs;
        this.ipset = ipset;
        this.route = route;
        this.iptables = iptables;
        this.rules = rules(context, iptables.capabilities().randomFully());
        this.excluded = context.ipvs().excludeCidrs();
    }

    /** The rules for {@code context}, with its IPVS scheduler ({@code ipvs.scheduler}, default rr). */
    static IpvsProxyRules rules(BackendContext context, boolean randomFully) {
        return new IpvsProxyRules(context, context.ipvs().scheduler(), randomFully);
    }

    /**
     * kube-proxy's IPVS-mode settings ({@code NewProxier}), in this backend's namespace: {@code vs/conntrack=1} (so
     * iptables sees IPVS traffic for masquerade), {@code vs/conn_reuse_mode=0} only on kernels 4.1-5.8,
     * {@code vs/expire_nodest_conn=1}, {@code vs/expire_quiescent_template=1}, {@code ip_forward=1}, strictARP's
     * {@code arp_ignore=1} and {@code arp_announce=2}; then the IPVS timeouts that are not 0, as
     * {@code ipvsadm --set} does. Runs after the backend was made, which loaded {@code ip_vs} (and its sysctls).
     */
    @Override
    public synchronized List<String> prepare() {
        Map<String, Long> wanted = new java.util.LinkedHashMap<>();
        wanted.put("net.ipv4.vs.conntrack", 1L);
        int[] kernel = kernelVersion();
        if ((kernel[0] > 4 || kernel[0] == 4 && kernel[1] >= 1) && (kernel[0] < 5 || kernel[0] == 5 && kernel[1] < 9)) {
            wanted.put("net.ipv4.vs.conn_reuse_mode", 0L);
        }
        wanted.put("net.ipv4.vs.expire_nodest_conn", 1L);
        wanted.put("net.ipv4.vs.expire_quiescent_template", 1L);
        wanted.put("net.ipv4.ip_forward", 1L);
        if (context.ipvs().strictArp()) {
            wanted.put("net.ipv4.conf.all.arp_ignore", 1L);
            wanted.put("net.ipv4.conf.all.arp_announce", 2L);
        }
        List<String> warnings = new ArrayList<>(Sysctls.in(context.netns()).trySet(wanted));
        Timeouts t = new Timeouts((int) context.ipvs().tcpTimeout().toSeconds(), (int) context.ipvs().tcpFinTimeout().toSeconds(),
                (int) context.ipvs().udpTimeout().toSeconds());
        if (t.tcp() > 0 || t.tcpFin() > 0 || t.udp() > 0) {
            try {
                ipvs.setTimeouts(t);
            } catch (SvcProxyException e) {
                warnings.add("cannot set the IPVS timeouts: " + e.getMessage());
            }
        }
        return warnings;
    }

    private static int[] kernelVersion() {
        String[] v = System.getProperty("os.version", "0.0").split("[.-]");
        try {
            return new int[] {Integer.parseInt(v[0]), v.length > 1 ? Integer.parseInt(v[1]) : 0};
        } catch (NumberFormatException e) {
            return new int[] {0, 0};
        }
    }

    @Override
    public String name() {
        return IpvsBackendProvider.NAME;
    }

    /**
     * Syncs {@code desired}. A full sync (the first, after any failure, and once a {@code syncPeriod} has passed since
     * the last one) reads the kernel back: the addresses of {@code kube-ipvs0}, the ipsets, every virtual server's real
     * servers, and the built-in chains' jump rules. Every other sync diffs against what this backend last applied and
     * touches only the virtual servers, real servers, ipset entries and addresses that changed; it runs
     * {@code iptables-restore} only if the payload changed.
     */
    @Override
    public synchronized SyncResult sync(ServiceTable desired) {
        long start = System.nanoTime();
        boolean full = applied.isEmpty() || start - lastFullSync >= context.syncPeriod().toNanos();
        Optional<IpvsApplied> last = full ? Optional.empty() : applied;
        applied = Optional.empty(); // until this sync completes: a failure makes the next one full
        SyncResult r = apply(desired, start, last);
        if (full) {
            lastFullSync = System.nanoTime(); // the period runs from the end of the check (a large first sync is slow)
        }
        return r;
    }

    private SyncResult apply(ServiceTable desired, long start, Optional<IpvsApplied> last) {
        Map<String, Duration> phases = new java.util.LinkedHashMap<>();
        long[] mark = {start};
        List<SyncResult.Skipped> skipped = new ArrayList<>();
        Set<IpAddress> alreadyBound;
        if (last.isPresent()) {
            alreadyBound = last.get().bound();
        } else {
            route.ensureDummy(IpvsProxyRules.DUMMY_DEVICE);
            alreadyBound = new LinkedHashSet<>();
            for (InterfaceAddress a : route.addresses(IpvsProxyRules.DUMMY_DEVICE)) {
                if (a.address().family() == family) {
                    alreadyBound.add(a.address());
                }
            }
        }
        Set<IpAddress> nodeAddresses = new LinkedHashSet<>();
        route.addressesExcept(IpvsProxyRules.DUMMY_DEVICE).forEach(a -> nodeAddresses.add(a.address()));
        lap(phases, "addresses", mark);
        IpvsProxyState state = rules.build(desired, nodeAddresses, skipped);
        lap(phases, "build", mark);
        Map<KubeIpset, Set<Entry>> sets = syncIpsets(state, last.map(IpvsApplied::sets));
        lap(phases, "ipsets", mark);
        IpvsTable table = withTerminating(state.ipvs(), lastTable); // after a complete sync, the same as last's table
        ApplyResult result = last.isPresent() ? ipvs.applyChange(last.get().ipvs(), table)
                : ipvs.apply(table, k -> k.family() == family && k.address().map(this::managed).orElse(false));
        result.failures().forEach((change, e) -> skipped.add(new SyncResult.Skipped(change, e.getMessage())));
        lastTable = table;
        lap(phases, "ipvs", mark);
        boolean sameAddresses = state.bound().equals(alreadyBound);
        if (!sameAddresses) {
            for (IpAddress a : state.bound()) {
                if (!alreadyBound.contains(a)) {
                    route.addAddress(IpvsProxyRules.DUMMY_DEVICE, new InterfaceAddress(a, a.family().bits()));
                }
            }
        }
        lap(phases, "bind", mark);
        IptablesTransaction tx = state.iptables();
        String payload = tx.render();
        if (last.isEmpty()) {
            BuiltinJumps.insertMissing(iptables, tx, IpvsProxyRules.jumpRules(), null);
            iptables.apply(tx);
        } else if (!payload.equals(last.get().iptables())) {
            iptables.apply(tx); // the jump rules were verified by the last full sync
        }
        lap(phases, "iptables", mark);
        if (!sameAddresses) {
            for (IpAddress a : alreadyBound) {
                if (!state.bound().contains(a)) {
                    route.deleteAddress(IpvsProxyRules.DUMMY_DEVICE, new InterfaceAddress(a, a.family().bits()));
                }
            }
        }
        lap(phases, "unbind", mark);
        lastPhases = java.util.Collections.unmodifiableMap(phases);
        // a refused IPVS change leaves the kernel unlike the table: the next sync reads it back
        applied = result.isComplete() ? Optional.of(new IpvsApplied(table, sets, state.bound(), payload)) : Optional.empty();
        skipped.forEach(s -> LOG.debug("skipped {}: {} (in the sync result)", s.object(), s.reason()));
        LOG.debug("{} sync of {} services ({} skipped)", last.isEmpty() ? "full" : "incremental", desired.services().size(),
                skipped.size());
        return new SyncResult(last.isEmpty(), skipped, Duration.ofNanos(System.nanoTime() - start));
    }

    private static void lap(Map<String, Duration> phases, String name, long[] mark) {
        long now = System.nanoTime();
        phases.put(name, Duration.ofNanos(now - mark[0]));
        mark[0] = now;
    }

    /**
     * Where the last sync's time went: addresses, build, ipsets, ipvs, bind, iptables, unbind.
     *
     * @return each phase's duration, by name
     */
    public synchronized Map<String, Duration> lastPhases() {
        return lastPhases;
    }

    private boolean managed(IpAddress a) {
        return excluded.stream().noneMatch(c -> c.contains(a));
    }

    /**
     * {@code wanted} plus the TCP real servers that left it but still carry connections, at weight 0 (kube-proxy's
     * graceful termination). Only services that lost real servers are read back from the kernel.
     */
    private IpvsTable withTerminating(IpvsTable wanted, IpvsTable lastApplied) {
        terminating.clear();
        for (VirtualServer v : lastApplied.services()) {
            ServiceKey key = v.key();
            List<Destination> still = wanted.destinations(key);
            List<Destination> had = lastApplied.destinations(key);
            if (wanted.service(key).isEmpty() || key.protocol().orElse(null) != Protocol.TCP || had.equals(still)) {
                continue; // a deleted virtual server takes its connections with it, as in kube-proxy
            }
            List<Destination> leaving = had.stream().filter(d -> still.stream().noneMatch(d::sameServer)).toList();
            if (leaving.isEmpty()) {
                continue;
            }
            Map<String, ObservedDestination> seen = new HashMap<>();
            try {
                ipvs.destinations(key).forEach(o -> seen.put(o.destination().hostPort(), o));
            } catch (NotFoundException e) {
                // deleted behind the proxy's back: its connections went with it, and applying puts it back
            }
            for (Destination d : leaving) {
                ObservedDestination o = seen.get(d.hostPort());
                if (o != null && o.hasConnections()) {
                    terminating.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(d.withWeight(0));
                }
            }
        }
        if (terminating.isEmpty()) {
            return wanted;
        }
        IpvsTable out = new IpvsTable();
        for (VirtualServer v : wanted.services()) {
            List<Destination> dests = new ArrayList<>(wanted.destinations(v.key()));
            dests.addAll(terminating.getOrDefault(v.key(), Set.of()));
            out.add(v, dests);
        }
        return out;
    }

    /**
     * The real servers now kept at weight 0 while their connections drain.
     *
     * @return the draining real servers, by service
     */
    public synchronized Map<ServiceKey, Set<Destination>> terminating() {
        Map<ServiceKey, Set<Destination>> copy = new HashMap<>();
        terminating.forEach((k, v) -> copy.put(k, Set.copyOf(v)));
        return copy;
    }

    /**
     * Adds and deletes entries in one batch (kube-proxy's {@code syncIPSetEntries}) against {@code last}, what the
     * last sync left, or else against the kernel's sets, creating the missing ones. Returns the entries now in place.
     */
    private Map<KubeIpset, Set<Entry>> syncIpsets(IpvsProxyState state, Optional<Map<KubeIpset, Set<Entry>>> last) {
        IpsetBatch batch = new IpsetBatch();
        Map<KubeIpset, Set<Entry>> now = new EnumMap<>(KubeIpset.class);
        for (KubeIpset s : KubeIpset.values()) {
            IpSet set = s.ipSet(family);
            Set<Entry> have;
            if (last.isPresent()) {
                have = last.get().getOrDefault(s, Set.of());
            } else {
                Set<Entry> listed = new HashSet<>();
                ipset.list(set.name()).ifPresentOrElse(c -> c.entries().forEach(e -> listed.add(e.key())), () -> ipset.create(set));
                have = listed;
            }
            Set<Entry> want = new HashSet<>();
            state.sets().getOrDefault(s, Set.of()).forEach(e -> want.add(e.key()));
            if (!want.equals(have)) {
                have.stream().filter(e -> !want.contains(e)).forEach(e -> batch.delete(set, e));
                want.stream().filter(e -> !have.contains(e)).forEach(e -> batch.add(set, e));
            }
            now.put(s, want);
        }
        if (batch.size() > 0) {
            Map<IpsetBatch.Op, RuntimeException> failed = ipset.apply(batch);
            if (!failed.isEmpty()) {
                Map.Entry<IpsetBatch.Op, RuntimeException> first = failed.entrySet().iterator().next();
                throw new SvcProxyException(failed.size() + " ipset changes refused, first: " + first.getValue().getMessage(),
                        first.getKey().toString());
            }
        }
        return now;
    }

    /** What a sync would apply, touching nothing; node ports listen on the Node object's addresses. */
    @Override
    public String render(ServiceTable desired) {
        List<SyncResult.Skipped> skipped = new ArrayList<>();
        String out = rules.build(desired, desired.nodeIps(), skipped).render();
        skipped.forEach(s -> LOG.warn("skipped: {}: {}", s.object(), s.reason()));
        return out;
    }

    /**
     * Whether IPVS mode ran here for this family: its dummy interface exists, or one of this family's ipsets (the
     * IPv4 clean-up deletes the interface both families share, so the IPv6 one looks at its sets).
     */
    @Override
    public boolean hasLeftovers() {
        return route.link(IpvsProxyRules.DUMMY_DEVICE).isPresent()
                || Arrays.stream(KubeIpset.values()).anyMatch(s -> ipset.list(s.setName(family)).isPresent());
    }

    /** The chains and jump rules that kube-proxy's iptables mode writes word for word too. */
    @Override
    public SharedState sharedState() {
        return BuiltinJumps.sharedState(IpvsProxyRules::ownedChains, IpvsProxyRules.jumpRules(), family);
    }

    /** Deletes this mode's jump rules and empties its chains, so that no rule refers to its ipsets any more. */
    @Override
    public synchronized void unlink() {
        BuiltinJumps.unlink(iptables, IpvsProxyRules.jumpRules(), IpvsBackend::owns);
    }

    private static boolean owns(Table table, ChainName chain) {
        return IpvsProxyRules.ownedChains(table).contains(chain);
    }

    /**
     * kube-proxy's IPVS clean-up (virtual servers, {@code kube-ipvs0}, the chains and jumps, then the ipsets), but
     * what another mode shares with it ({@code keep}); that mode's first sync must have rewritten the shared chains, so
     * that no rule refers to the ipsets any more.
     */
    @Override
    public synchronized void removeLeftovers(SharedState keep) {
        ipvs.apply(new IpvsTable(), k -> k.family() == family && k.address().map(this::managed).orElse(false));
        applied = Optional.empty();
        lastTable = new IpvsTable();
        terminating.clear();
        if (family == IpFamily.IPV4) {
            route.deleteLink(IpvsProxyRules.DUMMY_DEVICE);
        }
        BuiltinJumps.remove(iptables, IpvsProxyRules.jumpRules(), IpvsBackend::owns, keep);
        Set<String> mine = new HashSet<>();
        for (KubeIpset s : KubeIpset.values()) {
            mine.add(s.setName(family));
        }
        for (SetContents c : ipset.list()) {
            if (mine.contains(c.set().name())) {
                ipset.destroy(c.set().name());
            }
        }
    }

    @Override
    public void close() {
        ipvs.close();
        ipset.close();
        route.close();
    }
}
