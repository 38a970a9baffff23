// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables;

import dev.svcproxy.api.net.HostPort;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Follows one new connection's first packet through a {@link Ruleset} (e.g. {@link FakeIptables#save(Table...)}): nat
 * PREROUTING (or OUTPUT for a packet from this host), the filter chain it then meets (INPUT, FORWARD or OUTPUT),
 * and nat POSTROUTING. It reports the rules that matched, every DNAT destination a random split could choose, the
 * masquerade decision and the verdict.
 *
 * <p>Model: connection state NEW (plus DNAT once translated); {@code -m statistic} branches are all explored (each
 * DNAT destination recorded) and the packet continues down the last branch; {@code -m recent --rcheck} never
 * matches (no history); {@code -m set} and unknown modules never match; addrtype LOCAL means one of
 * {@code localAddresses} or loopback.
 */
public final class PacketTracer {

    /** The packet to trace. {@code inInterface} is empty for a packet this host sends. */
    public record Packet(IpAddress source, IpAddress destination, Protocol protocol, int sourcePort,
                         int destinationPort, Optional<String> inInterface, boolean fromThisHost) {

        /**
         * A packet that arrives from outside through {@code inInterface}.
         *
         * @param src the source address
         * @param dst the destination address
         * @param p the protocol
         * @param dport the destination port
         * @param inInterface the interface it comes in on
         * @return a packet that arrives from outside through {@code inInterface}
         */
        public static Packet arriving(String src, String dst, Protocol p, int dport, String inInterface) {
            return new Packet(IpAddress.parse(src), IpAddress.parse(dst), p, 40000, dport, Optional.of(inInterface), false);
        }

        /**
         * A packet sent by a process of this host.
         *
         * @param src the source address
         * @param dst the destination address
         * @param p the protocol
         * @param dport the destination port
         * @return a packet sent by a process of this host
         */
        public static Packet local(String src, String dst, Protocol p, int dport) {
            return new Packet(IpAddress.parse(src), IpAddress.parse(dst), p, 40000, dport, Optional.empty(), true);
        }
    }

    /** One matched rule. */
    public record Step(Table table, Rule rule) {
        @Override
        public String toString() {
            return table + ": " + rule;
        }
    }

    /** Final verdict of the filter chains. */
    public enum Verdict {
        /** Accepted. */
        ACCEPT,
        /** Dropped silently. */
        DROP,
        /** Rejected with an error to the sender. */
        REJECT
    }

    /**
     * The outcome: rules matched in order, all DNAT destinations the random split could choose (in rule order; the
     * last is the one this trace followed), whether the packet leaves masqueraded, and the verdict.
     */
    public record Trace(List<Step> steps, List<HostPort> destinations, boolean masquerade, Verdict verdict) {
        /**
         * Where the followed path DNATed the packet to.
         *
         * @return the last destination, if any
         */
        public Optional<HostPort> dnat() {
            return destinations.isEmpty() ? Optional.empty() : Optional.of(destinations.get(destinations.size() - 1));
        }
    }

    private final Ruleset rules;
    private final Set<IpAddress> localAddresses;

    /**
     * A tracer over a snapshot.
     *
     * @param rules the rules (e.g. {@link FakeIptables#save(Table...)})
     * @param localAddresses this host's addresses (they decide INPUT against FORWARD)
     */
    public PacketTracer(Ruleset rules, Set<IpAddress> localAddresses) {
        this.rules = rules;
        this.localAddresses = Set.copyOf(localAddresses);
    }

    private static final class State {
        IpAddress dst;
        int dport;
        long mark;
        boolean dnatted;
        boolean masquerade;
        final List<Step> steps = new ArrayList<>();
        final List<HostPort> destinations = new ArrayList<>();
    }

    private enum Flow { CONTINUE, RETURN, ACCEPT, DROP, REJECT }

    /**
     * Follows one new connection's first packet through nat, filter and nat POSTROUTING.
     *
     * @param p the packet
     * @return what happened to it
     */
    public Trace trace(Packet p) {
        State s = new State();
        s.dst = p.destination();
        s.dport = p.destinationPort();
        run(Table.NAT, p.fromThisHost() ? "OUTPUT" : "PREROUTING", p, s);
        String filterChain = p.fromThisHost() ? "OUTPUT" : isLocal(s.dst) ? "INPUT" : "FORWARD";
        Flow f = run(Table.FILTER, filterChain, p, s);
        Verdict v = f == Flow.DROP ? Verdict.DROP : f == Flow.REJECT ? Verdict.REJECT : Verdict.ACCEPT;
        if (v == Verdict.ACCEPT && (p.fromThisHost() || !isLocal(s.dst))) {
            run(Table.NAT, "POSTROUTING", p, s);
        }
        return new Trace(List.copyOf(s.steps), List.copyOf(s.destinations), s.masquerade, v);
    }

    private Flow run(Table table, String chain, Packet p, State s) {
        Optional<Ruleset.Chain> c = rules.chain(table, chain);
        if (c.isEmpty()) {
            return Flow.CONTINUE;
        }
        for (Rule r : c.get().rules()) {
            if (!matches(r, p, s)) {
                continue;
            }
            Optional<Match.Statistic> random = r.matches().stream().filter(m -> m instanceof Match.Statistic st
                    && st.isRandom() && st.kernelValue() < 0x80000000L).map(m -> (Match.Statistic) m).findFirst();
            if (random.isPresent()) {
                // explore this branch for its destination, then continue as if the dice said no
                State probe = copyForProbe(s);
                act(table, r, p, probe);
                s.destinations.addAll(probe.destinations);
                continue;
            }
            s.steps.add(new Step(table, r));
            Flow f = act(table, r, p, s);
            if (f != Flow.CONTINUE) {
                return f == Flow.RETURN ? Flow.CONTINUE : f;
            }
        }
        return Flow.CONTINUE;
    }

    private State copyForProbe(State s) {
        State c = new State();
        c.dst = s.dst;
        c.dport = s.dport;
        c.mark = s.mark;
        c.dnatted = s.dnatted;
        return c;
    }

    private Flow act(Table table, Rule r, Packet p, State s) {
        if (r.target().isEmpty()) {
            return Flow.CONTINUE;
        }
        Target t = r.target().get();
        if (t instanceof Target.Jump j) {
            Flow f = run(table, j.target().name(), p, s);
            return f == Flow.RETURN ? Flow.CONTINUE : f;
        }
        if (t instanceof Target.Goto g) {
            Flow f = run(table, g.target().name(), p, s);
            return f == Flow.CONTINUE ? Flow.RETURN : f;
        }
        if (t instanceof Target.Verdict v) {
            return switch (v) {
                case ACCEPT -> Flow.ACCEPT;
                case DROP -> Flow.DROP;
                case RETURN -> Flow.RETURN;
            };
        }
        if (t instanceof Target.Reject) {
            return Flow.REJECT;
        }
        if (t instanceof Target.Dnat d) {
            s.dst = d.address();
            if (d.port() != 0) {
                s.dport = d.port();
            }
            s.dnatted = true;
            s.destinations.add(HostPort.of(s.dst, s.dport));
            return Flow.ACCEPT;
        }
        if (t instanceof Target.Masquerade || t instanceof Target.Snat) {
            s.masquerade = true;
            return Flow.ACCEPT;
        }
        if (t instanceof Target.MarkTarget m) {
            Target.MarkTarget x = m.xmark();
            s.mark = ((s.mark & ~x.mask()) ^ x.value()) & 0xffffffffL;
        }
        return Flow.CONTINUE;
    }

    private boolean matches(Rule r, Packet p, State s) {
        for (Match m : r.matches()) {
            if (!matches(m, p, s)) {
                return false;
            }
        }
        return true;
    }

    private boolean matches(Match m, Packet p, State s) {
        if (m instanceof Match.Address a) {
            IpAddress ip = a.direction() == Match.Direction.SOURCE ? p.source() : s.dst;
            return a.cidr().contains(ip) != a.negated();
        }
        if (m instanceof Match.Interface i) {
            if (i.direction() == Match.Direction.DESTINATION || p.inInterface().isEmpty()) {
                return i.negated();
            }
            String name = p.inInterface().get();
            boolean hit = i.name().endsWith("+") ? name.startsWith(i.name().substring(0, i.name().length() - 1))
                    : name.equals(i.name());
            return hit != i.negated();
        }
        if (m instanceof Match.Proto pr) {
            return (pr.protocol() == p.protocol()) != pr.negated();
        }
        if (m instanceof Match.Ports po) {
            int port = po.direction() == Match.Direction.SOURCE ? p.sourcePort() : s.dport;
            return po.range().contains(port) != po.negated();
        }
        if (m instanceof Match.Multiport mp) {
            int port = mp.direction() == Match.Direction.SOURCE ? p.sourcePort() : s.dport;
            return mp.ports().stream().anyMatch(r -> r.contains(port)) != mp.negated();
        }
        if (m instanceof Match.Mark mk) {
            return ((s.mark & mk.mask()) == mk.value()) != mk.negated();
        }
        if (m instanceof Match.Conntrack ct) {
            boolean hit = ct.states().contains(Match.CtState.NEW) || (s.dnatted && ct.states().contains(Match.CtState.DNAT));
            return hit != ct.negated();
        }
        if (m instanceof Match.AddrTypes at) {
            boolean ok = at.source().map(t -> addrType(t, p.source()) != at.sourceNegated()).orElse(true);
            return ok && at.destination().map(t -> addrType(t, s.dst) != at.destinationNegated()).orElse(true);
        }
        if (m instanceof Match.Recent rc) {
            return rc.action() == Match.RecentAction.SET;
        }
        if (m instanceof Match.Physdev pd) {
            return pd.options().stream().allMatch(Match.PhysdevOption::negated); // never bridged here
        }
        return m instanceof Match.Comment || m instanceof Match.ProtoModule || m instanceof Match.Statistic
                || m instanceof Match.Nfacct;
    }

    private boolean addrType(Match.AddrType t, IpAddress ip) {
        return switch (t) {
            case LOCAL -> isLocal(ip);
            case UNICAST -> !ip.family().loopback().contains(ip);
            default -> false;
        };
    }

    private boolean isLocal(IpAddress ip) {
        return localAddresses.contains(ip) || ip.isLoopback();
    }
}
