// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs.kube;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.model.Endpoint;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.TrafficPolicy;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.LocalTraffic;
import dev.svcproxy.api.spi.RandomScheduler;
import dev.svcproxy.api.spi.Scheduler;
import dev.svcproxy.api.spi.Schedulers;
import dev.svcproxy.api.spi.SyncResult;
import dev.svcproxy.api.spi.WeightedEndpoint;
import dev.svcproxy.ipset.Entry;
import dev.svcproxy.iptables.ChainName;
import dev.svcproxy.iptables.IptablesTransaction;
import dev.svcproxy.iptables.Match;
import dev.svcproxy.iptables.Rule;
import dev.svcproxy.iptables.Table;
import dev.svcproxy.iptables.kube.KubeChains;
import dev.svcproxy.iptables.kube.KubeProxyRules;
import dev.svcproxy.iptables.kube.LocalMatch;
import dev.svcproxy.ipvs.Destination;
import dev.svcproxy.ipvs.IpvsTable;
import dev.svcproxy.ipvs.ServiceFlag;
import dev.svcproxy.ipvs.ServiceKey;
import dev.svcproxy.ipvs.VirtualServer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * kube-proxy's IPVS mode as data ({@code pkg/proxy/ipvs/proxier.go} {@code syncProxyRules},
 * {@code writeIptablesRules}): per service port a virtual server for the cluster IP, each external IP and
 * load-balancer IP (bound to {@code kube-ipvs0} unless the node already has the address) and each node IP:nodePort,
 * real servers with weight 1 (or the service scheduler's weights), ClientIP affinity as persistence, the ipset
 * entries, and the nat/filter rules that match those sets. Pure: the kernel is touched by {@link IpvsBackend}.
 */
public final class IpvsProxyRules {
    /** The dummy interface service addresses are bound to, {@code kube-ipvs0}. */
    public static final String DUMMY_DEVICE = "kube-ipvs0";
    /** kube-proxy's {@code KUBE-NODE-PORT} chain (nat): node-port traffic. */
    public static final ChainName NODE_PORT = ChainName.of("KUBE-NODE-PORT");
    /** kube-proxy's {@code KUBE-LOAD-BALANCER} chain (nat): load-balancer traffic. */
    public static final ChainName LOAD_BALANCER = ChainName.of("KUBE-LOAD-BALANCER");
    /**
     * kube-proxy's {@code KUBE-SOURCE-RANGES-FIREWALL} chain (filter): drops sources outside a load balancer's
     * allowed ranges.
     */
    public static final ChainName SOURCE_RANGES_FIREWALL = ChainName.of("KUBE-SOURCE-RANGES-FIREWALL");
    /**
     * kube-proxy's {@code KUBE-IPVS-FILTER} chain (filter INPUT): rejects new connections to {@code kube-ipvs0}
     * addresses that no service port takes, so host ports are not reachable through service addresses.
     */
    public static final ChainName IPVS_FILTER = ChainName.of("KUBE-IPVS-FILTER");
    /**
     * kube-proxy's {@code KUBE-IPVS-OUT-FILTER} chain (filter OUTPUT): drops this node's own traffic to
     * load-balancer IPs whose source ranges leave it out.
     */
    public static final ChainName IPVS_OUT_FILTER = ChainName.of("KUBE-IPVS-OUT-FILTER");
    /** The schedulers kube-proxy's configuration accepts, plus {@code mh}. */
    public static final Set<String> SCHEDULERS = VirtualServer.WELL_KNOWN_SCHEDULERS;

    private static final Map<IpFamily, Cidr> LINK_LOCAL = Map.of(IpFamily.IPV4, Cidr.parse("169.254.0.0/16"),
            IpFamily.IPV6, Cidr.parse("fe80::/10"));

    private final BackendContext context;
    private final IpFamily family;
    private final String defaultScheduler;
    private final boolean randomFully;

    /**
     * Rules for {@code context}'s family with {@code scheduler} (kube-proxy's {@code ipvs.scheduler}) as default.
     *
     * @param context the proxy's settings for the family
     * @param scheduler the default IPVS scheduler
     * @param randomFully whether MASQUERADE takes {@code --random-fully}
     */
    public IpvsProxyRules(BackendContext context, String scheduler, boolean randomFully) {
        this.context = context;
        this.family = context.family();
        this.defaultScheduler = checkScheduler(scheduler, "ipvs.scheduler");
        this.randomFully = randomFully;
    }

    /**
     * Refuses a scheduler kube-proxy would not accept, naming {@code what}.
     *
     * @param scheduler the scheduler's name
     * @param what where it came from, for the error
     * @return the scheduler
     */
    public static String checkScheduler(String scheduler, String what) {
        if (!SCHEDULERS.contains(scheduler)) {
            throw new InvalidInputException("unknown IPVS scheduler '" + scheduler + "' (expected one of "
                    + new TreeSet<>(SCHEDULERS) + ")", what);
        }
        return scheduler;
    }

    /**
     * The chains this mode owns, by table, in kube-proxy's order ({@code iptablesChains}).
     *
     * @param table the table
     * @return the chains, empty for tables it does not use
     */
    public static List<ChainName> ownedChains(Table table) {
        return switch (table) {
            case NAT -> List.of(KubeChains.SERVICES, KubeChains.POSTROUTING, NODE_PORT, LOAD_BALANCER, KubeChains.MARK_MASQ);
            case FILTER -> List.of(KubeChains.FORWARD, NODE_PORT, KubeChains.PROXY_FIREWALL, SOURCE_RANGES_FIREWALL, IPVS_FILTER,
                    IPVS_OUT_FILTER);
            default -> List.of();
        };
    }

    /**
     * kube-proxy's IPVS-mode jumps from the built-in chains ({@code iptablesJumpChain}), each prepended.
     *
     * @return the jump rules
     */
    public static List<KubeProxyRules.JumpRule> jumpRules() {
        return List.of(
                jump(Table.NAT, "OUTPUT", KubeChains.SERVICES, "kubernetes service portals"),
                jump(Table.NAT, "PREROUTING", KubeChains.SERVICES, "kubernetes service portals"),
                jump(Table.NAT, "POSTROUTING", KubeChains.POSTROUTING, "kubernetes postrouting rules"),
                jump(Table.FILTER, "FORWARD", KubeChains.FORWARD, "kubernetes forwarding rules"),
                jump(Table.FILTER, "INPUT", NODE_PORT, "kubernetes health check rules"),
                jump(Table.FILTER, "INPUT", KubeChains.PROXY_FIREWALL, "kube-proxy firewall rules"),
                jump(Table.FILTER, "FORWARD", KubeChains.PROXY_FIREWALL, "kube-proxy firewall rules"),
                jump(Table.FILTER, "INPUT", IPVS_FILTER, "kubernetes ipvs access filter"),
                jump(Table.FILTER, "OUTPUT", IPVS_OUT_FILTER, "kubernetes ipvs access filter"));
    }

    private static KubeProxyRules.JumpRule jump(Table t, String from, ChainName to, String comment) {
        return new KubeProxyRules.JumpRule(t, Rule.in(from).comment(comment).jump(to));
    }

    /**
     * What the last {@link #build} wrote for each service and from which node addresses: a service equal to one there,
     * with the same addresses, writes the same again, so it is reused (a sync costs what changed). Replaced whole by
     * each build, never changed, so a concurrent {@link #build} (a render beside a sync) reads a complete one.
     */
    private record Memo(List<Object> inputs, Map<VirtualService, Collected> services) {
    }

    private volatile Memo memo = new Memo(List.of(), Map.of());

    /** What one service port adds, kept apart until it is complete, so a bad service adds nothing. */
    private final class Collected {
        final IpvsTable ipvs = new IpvsTable();
        final Map<KubeIpset, Set<Entry>> sets = new EnumMap<>(KubeIpset.class);
        final Set<IpAddress> bound = new LinkedHashSet<>();
        final List<Entry> noNodeAccess = new ArrayList<>();

        void entry(KubeIpset set, Entry e) {
            set.ipSet(family).check(e);
            sets.computeIfAbsent(set, k -> new LinkedHashSet<>()).add(e);
        }

        void addAll(Collected o) {
            ipvs.addAll(o.ipvs);
            o.sets.forEach((k, v) -> sets.computeIfAbsent(k, x -> new LinkedHashSet<>()).addAll(v));
            bound.addAll(o.bound);
            noNodeAccess.addAll(o.noNodeAccess);
        }
    }

    /**
     * The state for {@code table}. {@code nodeAddresses} are the node's own addresses, those on {@code kube-ipvs0}
     * aside: they are not bound again, and node ports listen on them (within {@code nodePortAddresses}). A service
     * that cannot be expressed is left out whole and reported in {@code skipped}.
     *
     * @param table the desired state of one family
     * @param nodeAddresses the node's own addresses
     * @param skipped where services left out are reported
     * @return the state
     */
    public IpvsProxyState build(ServiceTable table, Collection<IpAddress> nodeAddresses, List<SyncResult.Skipped> skipped) {
        Set<IpAddress> local = new LinkedHashSet<>(); // kube-proxy's isValidForSet: no loopback, no link-local
        nodeAddresses.stream().filter(a -> a.family() == family && !a.isLoopback() && !LINK_LOCAL.get(family).contains(a))
                .forEach(local::add);
        List<IpAddress> nodePortIps = local.stream().filter(this::nodePortAddress).sorted().toList();
        Optional<IpAddress> nodeIp = table.nodeIps().stream().filter(a -> a.family() == family).findFirst();
        Collected all = new Collected();
        Map<String, Scheduler> plugins = new HashMap<>();
        List<Object> inputs = List.of(local, nodePortIps, nodeIp);
        Memo last = memo;
        Map<VirtualService, Collected> reuse = last.inputs().equals(inputs) ? last.services() : Map.of();
        Map<VirtualService, Collected> written = new HashMap<>();
        for (VirtualService s : table.services()) {
            if (s.clusterIp().isEmpty() || s.clusterIp().get().family() != family) {
                continue;
            }
            try {
                Collected one = reuse.get(s);
                if (one == null) {
                    one = new Collected();
                    writeService(s, plugins.computeIfAbsent(s.scheduler(), Schedulers::find), local, nodePortIps, nodeIp, one);
                }
                all.addAll(one);
                written.put(s, one);
            } catch (SvcProxyException e) {
                skipped.add(new SyncResult.Skipped(s.name() + "/" + s.protocol().lowerName(), e.getMessage()));
            }
        }
        memo = new Memo(inputs, written);
        all.bound.forEach(a -> all.sets.computeIfAbsent(KubeIpset.IPVS_IPS, k -> new LinkedHashSet<>()).add(Entry.ip(a)));
        return new IpvsProxyState(family, all.ipvs, all.sets, all.bound, iptables(all));
    }

    private boolean nodePortAddress(IpAddress a) {
        List<Cidr> mine = context.nodePortAddresses().stream().filter(c -> c.family() == family).toList();
        return mine.isEmpty() || mine.stream().anyMatch(c -> c.prefixLength() == 0 || c.contains(a));
    }

    private void writeService(VirtualService s, Scheduler plugin, Set<IpAddress> local, List<IpAddress> nodePortIps,
                              Optional<IpAddress> nodeIp, Collected c) {
        Protocol proto = s.protocol();
        String scheduler = plugin.ipvsScheduler(s).map(x -> checkScheduler(x, s.name() + " (scheduler " + plugin.name() + ")"))
                .orElse(defaultScheduler);
        boolean etpLocal = s.externalTrafficPolicy() == TrafficPolicy.LOCAL;
        Set<Endpoint> all = new LinkedHashSet<>(s.clusterEndpoints());
        all.addAll(s.localEndpoints());
        for (Endpoint e : all) {
            if (e.local()) {
                c.entry(KubeIpset.LOOP_BACK, Entry.ipPortIp(e.ip(), proto, e.port(), e.ip()));
            }
        }
        IpAddress clusterIp = s.clusterIp().orElseThrow();
        c.entry(KubeIpset.CLUSTER_IP, Entry.ipPort(clusterIp, proto, s.port()));
        List<Destination> internal = destinations(s, plugin, s.internalTrafficPolicy() == TrafficPolicy.LOCAL);
        List<Destination> external = destinations(s, plugin, etpLocal);
        c.ipvs.add(server(s, clusterIp, s.port(), scheduler), internal);
        c.bound.add(clusterIp);
        for (IpAddress ip : s.externalIps()) {
            c.entry(etpLocal ? KubeIpset.EXTERNAL_IP_LOCAL : KubeIpset.EXTERNAL_IP, Entry.ipPort(ip, proto, s.port()));
            c.ipvs.add(server(s, ip, s.port(), scheduler), external);
            if (!local.contains(ip)) {
                c.bound.add(ip);
            }
        }
        for (IpAddress ip : s.loadBalancerIps()) {
            Entry entry = Entry.ipPort(ip, proto, s.port());
            c.entry(KubeIpset.LOAD_BALANCER, entry);
            if (etpLocal) {
                c.entry(KubeIpset.LOAD_BALANCER_LOCAL, entry);
            }
            if (!s.loadBalancerSourceRanges().isEmpty()) {
                c.entry(KubeIpset.LOAD_BALANCER_FW, entry);
                for (Cidr range : s.loadBalancerSourceRanges()) {
                    if (range.family() == family) {
                        c.entry(KubeIpset.LOAD_BALANCER_SOURCE_CIDR, Entry.ipPortNet(ip, proto, s.port(), range));
                    }
                }
                if (nodeIp.isPresent() && s.loadBalancerSourceRanges().stream().anyMatch(r -> r.contains(nodeIp.get()))) {
                    c.entry(KubeIpset.LOAD_BALANCER_SOURCE_IP, Entry.ipPortIp(ip, proto, s.port(), ip));
                } else {
                    c.noNodeAccess.add(entry); // the node itself is not in a source range: kube-proxy blocks it (#119656)
                }
            }
            c.ipvs.add(server(s, ip, s.port(), scheduler), external);
            if (!local.contains(ip)) {
                c.bound.add(ip);
            }
        }
        if (s.nodePort() != 0 && !nodePortIps.isEmpty()) {
            List<Entry> entries = proto == Protocol.SCTP
                    ? nodePortIps.stream().map(ip -> Entry.ipPort(ip, proto, s.nodePort())).toList()
                    : List.of(Entry.port(s.nodePort()));
            KubeIpset plain = switch (proto) {
                case TCP -> KubeIpset.NODE_PORT_TCP;
                case UDP -> KubeIpset.NODE_PORT_UDP;
                default -> KubeIpset.NODE_PORT_SCTP;
            };
            KubeIpset onlyLocal = switch (proto) {
                case TCP -> KubeIpset.NODE_PORT_LOCAL_TCP;
                case UDP -> KubeIpset.NODE_PORT_LOCAL_UDP;
                default -> KubeIpset.NODE_PORT_LOCAL_SCTP;
            };
            for (Entry e : entries) {
                c.entry(plain, e);
                if (etpLocal) {
                    c.entry(onlyLocal, e);
                }
            }
            for (IpAddress ip : nodePortIps) {
                c.ipvs.add(server(s, ip, s.nodePort(), scheduler), external);
            }
        }
        if (s.healthCheckNodePort() != 0) {
            c.entry(KubeIpset.HEALTH_CHECK_NODE_PORT, Entry.port(s.healthCheckNodePort()));
        }
    }

    private VirtualServer server(VirtualService s, IpAddress ip, int port, String scheduler) {
        VirtualServer v = VirtualServer.of(ServiceKey.of(s.protocol(), ip, port), scheduler);
        if (s.sessionAffinity().timeoutSeconds() > 0) {
            v = v.withPersistence(s.sessionAffinity().timeoutSeconds());
        }
        if (scheduler.equals("mh")) {
            v = v.withFlags(Set.of(ServiceFlag.MH_PORT)); // kube-proxy's FlagSourceHash (0x10)
        }
        return v;
    }

    /** The real servers: local endpoints for a Local policy if there are any, else the cluster's (PR 97081). */
    private List<Destination> destinations(VirtualService s, Scheduler plugin, boolean onlyLocal) {
        List<Endpoint> eps = onlyLocal && !s.localEndpoints().isEmpty() ? s.localEndpoints() : s.clusterEndpoints();
        List<Destination> out = new ArrayList<>();
        if (plugin.name().equals(RandomScheduler.NAME)) {
            eps.forEach(e -> out.add(Destination.masq(e.ip(), e.port(), 1)));
        } else {
            for (WeightedEndpoint w : Schedulers.schedule(plugin, IpvsBackendProvider.NAME, s, eps)) {
                out.add(Destination.masq(w.endpoint().ip(), w.endpoint().port(), w.weight()));
            }
        }
        return out;
    }

    /** kube-proxy's {@code writeIptablesRules}, rule for rule and in its order. */
    private IptablesTransaction iptables(Collected c) {
        IptablesTransaction tx = IptablesTransaction.create(family);
        ownedChains(Table.NAT).forEach(ch -> tx.flushChain(Table.NAT, ch));
        ownedChains(Table.FILTER).forEach(ch -> tx.flushChain(Table.FILTER, ch));
        long mark = 1L << context.masqueradeBit();
        tx.append(Table.NAT, Rule.in(KubeChains.SERVICES).source(family.loopback(), false).returns());
        Rule.Builder loopBack = setRule(c, KubeIpset.LOOP_BACK, KubeChains.POSTROUTING, null, "dst,dst,src");
        if (loopBack != null) {
            tx.append(Table.NAT, loopBack.masquerade(false));
        }
        setJump(tx, c, KubeIpset.LOAD_BALANCER, Table.NAT, KubeChains.SERVICES, null, "dst,dst", LOAD_BALANCER);
        setRet(tx, c, KubeIpset.LOAD_BALANCER_LOCAL, Table.NAT, LOAD_BALANCER, null, "dst,dst");
        setRet(tx, c, KubeIpset.NODE_PORT_LOCAL_TCP, Table.NAT, NODE_PORT, Protocol.TCP, "dst");
        setJump(tx, c, KubeIpset.NODE_PORT_TCP, Table.NAT, NODE_PORT, Protocol.TCP, "dst", KubeChains.MARK_MASQ);
        setRet(tx, c, KubeIpset.NODE_PORT_LOCAL_UDP, Table.NAT, NODE_PORT, Protocol.UDP, "dst");
        setJump(tx, c, KubeIpset.NODE_PORT_UDP, Table.NAT, NODE_PORT, Protocol.UDP, "dst", KubeChains.MARK_MASQ);
        setRet(tx, c, KubeIpset.NODE_PORT_LOCAL_SCTP, Table.NAT, NODE_PORT, Protocol.SCTP, "dst,dst");
        setJump(tx, c, KubeIpset.NODE_PORT_SCTP, Table.NAT, NODE_PORT, Protocol.SCTP, "dst,dst", KubeChains.MARK_MASQ);
        setJump(tx, c, KubeIpset.LOAD_BALANCER_FW, Table.FILTER, KubeChains.PROXY_FIREWALL, null, "dst,dst", SOURCE_RANGES_FIREWALL);
        setRet(tx, c, KubeIpset.LOAD_BALANCER_SOURCE_CIDR, Table.FILTER, SOURCE_RANGES_FIREWALL, null, "dst,dst,src");
        setRet(tx, c, KubeIpset.LOAD_BALANCER_SOURCE_IP, Table.FILTER, SOURCE_RANGES_FIREWALL, null, "dst,dst,src");
        if (nonEmpty(c, KubeIpset.CLUSTER_IP)) {
            Rule.Builder b = commented(KubeChains.SERVICES, KubeIpset.CLUSTER_IP);
            if (context.masqueradeAll()) {
                tx.append(Table.NAT, b.matchSet(name(KubeIpset.CLUSTER_IP), dirs("dst,dst")).jump(KubeChains.MARK_MASQ));
            } else if (!(context.localTraffic() instanceof LocalTraffic.None)) {
                tx.append(Table.NAT, LocalMatch.ifNotLocal(b.matchSet(name(KubeIpset.CLUSTER_IP), dirs("dst,dst")), context)
                        .jump(KubeChains.MARK_MASQ));
            } else {
                tx.append(Table.NAT, b.matchSet(name(KubeIpset.CLUSTER_IP), dirs("src,dst")).jump(KubeChains.MARK_MASQ));
            }
        }
        if (nonEmpty(c, KubeIpset.EXTERNAL_IP)) {
            tx.append(Table.NAT, externalIpBase(KubeIpset.EXTERNAL_IP).jump(KubeChains.MARK_MASQ));
            externalIpAccepts(tx, KubeIpset.EXTERNAL_IP);
        }
        if (nonEmpty(c, KubeIpset.EXTERNAL_IP_LOCAL)) {
            externalIpAccepts(tx, KubeIpset.EXTERNAL_IP_LOCAL);
        }
        tx.append(Table.NAT, Rule.in(KubeChains.SERVICES).dstType(Match.AddrType.LOCAL).jump(NODE_PORT));
        tx.append(Table.NAT, Rule.in(LOAD_BALANCER).jump(KubeChains.MARK_MASQ));
        tx.append(Table.FILTER, Rule.in(SOURCE_RANGES_FIREWALL).drop());
        for (Entry e : c.noNodeAccess) {
            String ip = e.ip().orElseThrow().toString();
            tx.append(Table.FILTER, Rule.in(IPVS_OUT_FILTER).source(Cidr.of(e.ip().get()), false)
                    .match(new Match.Other("ipvs", List.of("--vaddr", ip, "--vproto", e.protocol().orElseThrow().lowerName(),
                            "--vport", String.valueOf(e.port())))).drop());
        }
        for (KubeIpset s : List.of(KubeIpset.CLUSTER_IP, KubeIpset.LOAD_BALANCER)) { // acceptIPVSTraffic
            if (nonEmpty(c, s)) {
                tx.append(Table.NAT, Rule.in(KubeChains.SERVICES).matchSet(name(s), dirs("dst,dst")).accept());
            }
        }
        KubeProxyRules.writeForwardAccepts(tx, mark);
        tx.append(Table.FILTER, commented(NODE_PORT, KubeIpset.HEALTH_CHECK_NODE_PORT)
                .matchSet(name(KubeIpset.HEALTH_CHECK_NODE_PORT), dirs("dst")).accept());
        for (KubeIpset s : List.of(KubeIpset.LOAD_BALANCER, KubeIpset.CLUSTER_IP, KubeIpset.EXTERNAL_IP, KubeIpset.EXTERNAL_IP_LOCAL)) {
            tx.append(Table.FILTER, Rule.in(IPVS_FILTER).matchSet(name(s), dirs("dst,dst")).returns());
        }
        tx.append(Table.FILTER, Rule.in(IPVS_FILTER).matchSet(name(KubeIpset.HEALTH_CHECK_NODE_PORT), dirs("dst")).returns());
        tx.append(Table.FILTER, Rule.in(IPVS_FILTER).ctstate(Match.CtState.NEW).matchSet(name(KubeIpset.IPVS_IPS), dirs("dst")).reject());
        KubeProxyRules.writePostrouting(tx, mark, randomFully);
        KubeProxyRules.writeMarkMasq(tx, mark);
        return tx;
    }

    private String name(KubeIpset s) {
        return s.setName(family);
    }

    private static boolean nonEmpty(Collected c, KubeIpset s) {
        return !c.sets.getOrDefault(s, Set.of()).isEmpty();
    }

    private static Match.Direction[] dirs(String flags) {
        String[] parts = flags.split(",");
        Match.Direction[] out = new Match.Direction[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = parts[i].equals("src") ? Match.Direction.SOURCE : Match.Direction.DESTINATION;
        }
        return out;
    }

    private Rule.Builder commented(ChainName chain, KubeIpset s) {
        return Rule.in(chain).comment(s.comment());
    }

    /** One row of kube-proxy's {@code ipsetWithIptablesChain}: written only if the set has entries. */
    private Rule.Builder setRule(Collected c, KubeIpset s, ChainName from, Protocol p, String flags) {
        if (!nonEmpty(c, s)) {
            return null;
        }
        Rule.Builder b = Rule.in(from);
        if (p != null) {
            b.protocol(p);
        }
        return b.comment(s.comment()).matchSet(name(s), dirs(flags));
    }

    private void setJump(IptablesTransaction tx, Collected c, KubeIpset s, Table t, ChainName from, Protocol p, String flags,
                         ChainName to) {
        Rule.Builder b = setRule(c, s, from, p, flags);
        if (b != null) {
            tx.append(t, b.jump(to));
        }
    }

    private void setRet(IptablesTransaction tx, Collected c, KubeIpset s, Table t, ChainName from, Protocol p, String flags) {
        Rule.Builder b = setRule(c, s, from, p, flags);
        if (b != null) {
            tx.append(t, b.returns());
        }
    }

    private Rule.Builder externalIpBase(KubeIpset s) {
        return commented(KubeChains.SERVICES, s).matchSet(name(s), dirs("dst,dst"));
    }

    /** Traffic to external IPs from off the machine, or to external IPs that are local, is accepted as it is. */
    private void externalIpAccepts(IptablesTransaction tx, KubeIpset s) {
        tx.append(Table.NAT, externalIpBase(s)
                .match(new Match.Physdev(List.of(new Match.PhysdevOption("physdev-is-in", Optional.empty(), true))))
                .match(new Match.AddrTypes(Optional.of(Match.AddrType.LOCAL), true, Optional.empty(), false)).accept());
        tx.append(Table.NAT, externalIpBase(s).dstType(Match.AddrType.LOCAL).accept());
    }
}
