// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.HostPort;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.iptables.Match.Direction;
import dev.svcproxy.iptables.internal.Args;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * One rule of a chain: matches in the order written, and an optional target (a rule without one only counts).
 * Build with {@link #in(String)}; validated on build: port options need a tcp/udp/sctp protocol, addresses and
 * DNAT/SNAT targets must be of one family.
 *
 * <p>{@link #equals} compares the rule as written. {@link #normalize(IpFamily)} gives the rule as the kernel keeps
 * it and iptables-save prints it (core matches first, protocol module made explicit, marks in xmark form,
 * probabilities rounded); compare normalised rules to compare meaning.
 */
public record Rule(ChainName chain, List<Match> matches, Optional<Target> target) {

    public Rule {
        matches = List.copyOf(matches);
        validate(chain, matches, target);
    }

    /** Starts a rule in {@code chain}. */
    public static Builder in(String chain) {
        return new Builder(ChainName.of(chain));
    }

    public static Builder in(ChainName chain) {
        return new Builder(chain);
    }

    /** The family this rule's addresses bind it to, if any. */
    public Optional<IpFamily> family() {
        return familyOf(matches, target);
    }

    /** The protocol given with {@code -p}, if any and not negated. */
    public Optional<Protocol> protocol() {
        return matches.stream().filter(m -> m instanceof Match.Proto p && !p.negated())
                .map(m -> ((Match.Proto) m).protocol()).findFirst();
    }

    /** The rule's words after {@code -A CHAIN}, as iptables-restore reads them. */
    public String renderSpec(IpFamily family) {
        return render(new Args(false, family)).toString();
    }

    /** {@code -A CHAIN ...}, as written to iptables-restore. */
    public String render(IpFamily family) {
        return renderTo(new StringBuilder(160).append("-A ").append(chain.name()).append(' '), family).toString();
    }

    /** Appends the rule's words (after {@code -A CHAIN }) to {@code out}, as iptables-restore reads them. */
    public StringBuilder renderTo(StringBuilder out, IpFamily family) {
        render(new Args(false, family, out));
        return out;
    }

    Args render(Args out) {
        matches.forEach(m -> m.render(out));
        target.ifPresent(t -> t.render(out));
        return out;
    }

    @Override
    public String toString() {
        return render(family().orElse(IpFamily.IPV4));
    }

    /** The kernel's form of this rule, see the class comment. */
    public Rule normalize(IpFamily family) {
        Match src = null;
        Match dst = null;
        Match in = null;
        Match out = null;
        Match.Proto proto = null;
        List<Match> ext = new ArrayList<>();
        List<Match.Ports> ports = new ArrayList<>();
        int moduleAt = -1;
        // the port options belong to the rule's protocol, wherever -p stands
        Protocol portProto = protocol().orElse(Protocol.TCP);
        for (Match m : matches) {
            if (m instanceof Match.Address a) {
                if (a.direction() == Direction.SOURCE) {
                    src = a;
                } else {
                    dst = a;
                }
            } else if (m instanceof Match.Interface i) {
                if (i.direction() == Direction.SOURCE) {
                    in = i;
                } else {
                    out = i;
                }
            } else if (m instanceof Match.Proto p) {
                proto = new Match.Proto(p.protocol(), p.negated(), false);
                if (p.withModule() && moduleAt < 0) {
                    moduleAt = ext.size();
                    ext.add(new Match.ProtoModule(p.protocol()));
                }
            } else if (m instanceof Match.ProtoModule pm) {
                if (moduleAt < 0) {
                    moduleAt = ext.size();
                    ext.add(pm);
                }
            } else if (m instanceof Match.Ports p) {
                if (moduleAt < 0) {
                    moduleAt = ext.size();
                    ext.add(new Match.ProtoModule(portProto));
                }
                ports.add(p);
            } else {
                ext.add(m.normalize(family));
            }
        }
        if (moduleAt >= 0) {
            // iptables-save prints a protocol module's options right after it, source port first
            ports.sort((a, b) -> a.direction().compareTo(b.direction()));
            ext.addAll(moduleAt + 1, ports);
        }
        List<Match> all = new ArrayList<>();
        for (Match m : new Match[] {src, dst, in, out, proto}) {
            if (m != null) {
                all.add(m);
            }
        }
        all.addAll(ext);
        return new Rule(chain, all, target.map(t -> t.normalize(family)));
    }

    /** True if {@code other} means the same to the kernel. */
    public boolean sameAs(Rule other, IpFamily family) {
        return normalize(family).equals(other.normalize(family));
    }

    private static Optional<IpFamily> familyOf(List<Match> matches, Optional<Target> target) {
        for (Match m : matches) {
            Optional<IpFamily> f = m.family();
            if (f.isPresent()) {
                return f;
            }
        }
        return target.flatMap(Target::family);
    }

    private static void validate(ChainName chain, List<Match> matches, Optional<Target> target) {
        String id = chain.name();
        Optional<IpFamily> family = familyOf(matches, target);
        for (Match m : matches) {
            m.family().filter(f -> family.isPresent() && f != family.get()).ifPresent(f -> {
                throw new InvalidInputException("mixes IPv4 and IPv6 addresses", id);
            });
        }
        target.flatMap(Target::family).filter(f -> family.isPresent() && f != family.get()).ifPresent(f -> {
            throw new InvalidInputException("target is " + f + " but the rule's addresses are " + family.get(), id);
        });
        EnumSet<Direction> seenAddr = EnumSet.noneOf(Direction.class);
        EnumSet<Direction> seenIf = EnumSet.noneOf(Direction.class);
        long protos = 0;
        Optional<Protocol> proto = Optional.empty();
        for (Match m : matches) {
            if (m instanceof Match.Address a && !seenAddr.add(a.direction())) {
                throw new InvalidInputException("has two " + (a.direction() == Direction.SOURCE ? "-s" : "-d")
                        + " options", id);
            }
            if (m instanceof Match.Interface i && !seenIf.add(i.direction())) {
                throw new InvalidInputException("has two " + (i.direction() == Direction.SOURCE ? "-i" : "-o")
                        + " options", id);
            }
            if (m instanceof Match.Proto p) {
                protos++;
                if (!p.negated()) {
                    proto = Optional.of(p.protocol());
                }
            }
        }
        if (protos > 1) {
            throw new InvalidInputException("has two -p options", id);
        }
        boolean protoSeen = false;
        for (Match m : matches) {
            protoSeen |= m instanceof Match.Proto p && !p.negated();
            boolean needsProto = m instanceof Match.Ports || m instanceof Match.Multiport;
            if (needsProto && !protoSeen) {
                throw new InvalidInputException("port options need -p tcp, udp or sctp before them in the rule", id);
            }
            if (m instanceof Match.ProtoModule pm && !proto.equals(Optional.of(pm.protocol()))) {
                throw new InvalidInputException("-m " + pm.protocol().lowerName() + " needs -p "
                        + pm.protocol().lowerName(), id);
            }
        }
        if (target.isPresent() && target.get() instanceof Target.Dnat d && d.port() != 0 && proto.isEmpty()) {
            throw new InvalidInputException("DNAT to a port needs -p tcp, udp or sctp", id);
        }
    }

    /**
     * A fluent rule builder. Each method adds one match in order; a terminal method ({@link #jump}, {@link #accept},
     * {@link #dnat}, ...) sets the target and returns the validated rule.
     */
    public static final class Builder {
        private final ChainName chain;
        private final List<Match> matches = new ArrayList<>();

        private Builder(ChainName chain) {
            this.chain = chain;
        }

        public Builder match(Match m) {
            matches.add(m);
            return this;
        }

        public Builder source(String cidr) {
            return match(new Match.Address(Direction.SOURCE, Cidr.parse(cidr), false));
        }

        public Builder notSource(String cidr) {
            return match(new Match.Address(Direction.SOURCE, Cidr.parse(cidr), true));
        }

        public Builder source(Cidr cidr, boolean negated) {
            return match(new Match.Address(Direction.SOURCE, cidr, negated));
        }

        public Builder destination(String cidr) {
            return match(new Match.Address(Direction.DESTINATION, Cidr.parse(cidr), false));
        }

        public Builder notDestination(String cidr) {
            return match(new Match.Address(Direction.DESTINATION, Cidr.parse(cidr), true));
        }

        public Builder destination(Cidr cidr, boolean negated) {
            return match(new Match.Address(Direction.DESTINATION, cidr, negated));
        }

        public Builder inInterface(String name) {
            return match(new Match.Interface(Direction.SOURCE, name, false));
        }

        public Builder notInInterface(String name) {
            return match(new Match.Interface(Direction.SOURCE, name, true));
        }

        public Builder outInterface(String name) {
            return match(new Match.Interface(Direction.DESTINATION, name, false));
        }

        /** {@code -p PROTO}. */
        public Builder protocol(Protocol p) {
            return match(new Match.Proto(p, false, false));
        }

        /** {@code -m PROTO -p PROTO}, kube-proxy's spelling. */
        public Builder protocolModule(Protocol p) {
            return match(new Match.Proto(p, false, true));
        }

        public Builder dport(int port) {
            return match(new Match.Ports(Direction.DESTINATION, Match.PortRange.of(port), false));
        }

        public Builder sport(int port) {
            return match(new Match.Ports(Direction.SOURCE, Match.PortRange.of(port), false));
        }

        public Builder dports(int... ports) {
            return match(new Match.Multiport(Direction.DESTINATION,
                    java.util.Arrays.stream(ports).mapToObj(Match.PortRange::of).toList(), false));
        }

        public Builder comment(String text) {
            return match(new Match.Comment(text));
        }

        public Builder mark(long value, long mask) {
            return match(new Match.Mark(value, mask, false));
        }

        public Builder notMark(long value, long mask) {
            return match(new Match.Mark(value, mask, true));
        }

        public Builder ctstate(Match.CtState... states) {
            return match(new Match.Conntrack(java.util.Set.of(states), false));
        }

        public Builder notCtstate(Match.CtState... states) {
            return match(new Match.Conntrack(java.util.Set.of(states), true));
        }

        public Builder srcType(Match.AddrType t) {
            return match(Match.srcType(t));
        }

        public Builder dstType(Match.AddrType t) {
            return match(Match.dstType(t));
        }

        public Builder notDstType(Match.AddrType t) {
            return match(new Match.AddrTypes(Optional.empty(), false, Optional.of(t), true));
        }

        /** {@code -m statistic --mode random --probability P} with kube-proxy's ten decimals. */
        public Builder probability(double p) {
            return match(Match.Statistic.random(p));
        }

        public Builder matchSet(String set, Direction... flags) {
            return match(Match.matchSet(set, flags));
        }

        public Builder nfacct(String name) {
            return match(Match.nfacct(name));
        }

        public Rule target(Target t) {
            return new Rule(chain, matches, Optional.of(t));
        }

        /** A rule without a target (it only counts packets, or documents with its comment). */
        public Rule noTarget() {
            return new Rule(chain, matches, Optional.empty());
        }

        public Rule jump(String chainName) {
            return target(new Target.Jump(ChainName.of(chainName)));
        }

        public Rule jump(ChainName chainName) {
            return target(new Target.Jump(chainName));
        }

        public Rule gotoChain(String chainName) {
            return target(new Target.Goto(ChainName.of(chainName)));
        }

        public Rule accept() {
            return target(Target.Verdict.ACCEPT);
        }

        public Rule drop() {
            return target(Target.Verdict.DROP);
        }

        public Rule returns() {
            return target(Target.Verdict.RETURN);
        }

        public Rule reject() {
            return target(new Target.Reject(Optional.empty()));
        }

        public Rule reject(String with) {
            return target(new Target.Reject(Optional.of(with)));
        }

        public Rule dnat(HostPort to) {
            return target(Target.Dnat.to(to));
        }

        public Rule dnat(String hostPort) {
            return dnat(HostPort.parse(hostPort));
        }

        public Rule masquerade(boolean randomFully) {
            return target(new Target.Masquerade(randomFully, 0, 0));
        }

        public Rule orMark(long mark) {
            return target(Target.orMark(mark));
        }

        public Rule xorMark(long mark) {
            return target(Target.xorMark(mark));
        }
    }
}
