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

    /**
     * A rule; {@code matches} is copied.
     *
     * @param matches its matches, in order
     * @param chain the chain it is in
     * @param target what it does, if anything
     * @throws dev.svcproxy.api.InvalidInputException for a rule the kernel would refuse (e.g. a port without a protocol)
     */
    public Rule {
        matches = List.copyOf(matches);
        validate(chain, matches, target);
    }

    /**
     * Starts a rule in {@code chain}.
     *
     * @param chain the chain
     * @return a builder
     */
    public static Builder in(String chain) {
        return new Builder(ChainName.of(chain));
    }

    /**
     * Starts a rule in {@code chain}.
     *
     * @param chain the chain
     * @return a builder
     */
    public static Builder in(ChainName chain) {
        return new Builder(chain);
    }

    /**
     * The family this rule's addresses bind it to, if any.
     *
     * @return the family this rule's addresses bind it to, if any
     */
    public Optional<IpFamily> family() {
        return familyOf(matches, target);
    }

    /**
     * The protocol given with {@code -p}, if any and not negated.
     *
     * @return the protocol given with {@code -p}, if any and not negated
     */
    public Optional<Protocol> protocol() {
        return matches.stream().filter(m -> m instanceof Match.Proto p && !p.negated())
                .map(m -> ((Match.Proto) m).protocol()).findFirst();
    }

    /**
     * The rule's words after {@code -A CHAIN}, as iptables-restore reads them.
     *
     * @param family the IP family
     * @return the rule's words after {@code -A CHAIN}, as iptables-restore reads them
     */
    public String renderSpec(IpFamily family) {
        return render(new Args(false, family)).toString();
    }

    /**
     * {@code -A CHAIN ...}, as written to iptables-restore.
     *
     * @param family the IP family
     * @return {@code -A CHAIN ...}, as written to iptables-restore
     */
    public String render(IpFamily family) {
        return renderTo(new StringBuilder(160).append("-A ").append(chain.name()).append(' '), family).toString();
    }

    /**
     * Appends the rule's words (after {@code -A CHAIN }) to {@code out}, as iptables-restore reads them.
     *
     * @param out where the text goes
     * @param family the IP family
     * @return {@code out}
     */
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

    /**
     * The kernel's form of this rule, see the class comment.
     *
     * @param family the IP family
     * @return the kernel's form of this rule, see the class comment
     */
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

    /**
     * True if {@code other} means the same to the kernel.
     *
     * @param other another rule
     * @param family the IP family
     * @return true if {@code other} means the same to the kernel
     */
    public boolean sameAs(Rule other, IpFamily family) {
        return normalize(family).equals(other.normalize(family));
    }

    private static Optional<IpFamily> familyOf(List<Match> matches, Optional<Target> target) {
        for (int i = 0; i < matches.size(); i++) { // every rule of every sync is asked: no iterator, no lambda
            Optional<IpFamily> f = matches.get(i).family();
            if (f.isPresent()) {
                return f;
            }
        }
        return target.isPresent() ? target.get().family() : Optional.empty();
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

        /**
         * Adds any match.
         *
         * @param m the match
         * @return this builder
         */
        public Builder match(Match m) {
            matches.add(m);
            return this;
        }

        /**
         * {@code -s CIDR}.
         *
         * @param cidr an address or prefix
         * @return this builder
         */
        public Builder source(String cidr) {
            return match(new Match.Address(Direction.SOURCE, Cidr.parse(cidr), false));
        }

        /**
         * {@code ! -s CIDR}.
         *
         * @param cidr an address or prefix
         * @return this builder
         */
        public Builder notSource(String cidr) {
            return match(new Match.Address(Direction.SOURCE, Cidr.parse(cidr), true));
        }

        /**
         * {@code [!] -s CIDR}.
         *
         * @param cidr the prefix
         * @param negated whether to negate
         * @return this builder
         */
        public Builder source(Cidr cidr, boolean negated) {
            return match(new Match.Address(Direction.SOURCE, cidr, negated));
        }

        /**
         * {@code -d CIDR}.
         *
         * @param cidr an address or prefix
         * @return this builder
         */
        public Builder destination(String cidr) {
            return match(new Match.Address(Direction.DESTINATION, Cidr.parse(cidr), false));
        }

        /**
         * {@code ! -d CIDR}.
         *
         * @param cidr an address or prefix
         * @return this builder
         */
        public Builder notDestination(String cidr) {
            return match(new Match.Address(Direction.DESTINATION, Cidr.parse(cidr), true));
        }

        /**
         * {@code [!] -d CIDR}.
         *
         * @param cidr the prefix
         * @param negated whether to negate
         * @return this builder
         */
        public Builder destination(Cidr cidr, boolean negated) {
            return match(new Match.Address(Direction.DESTINATION, cidr, negated));
        }

        /**
         * {@code -i NAME} ({@code +} ends a prefix).
         *
         * @param name the interface
         * @return this builder
         */
        public Builder inInterface(String name) {
            return match(new Match.Interface(Direction.SOURCE, name, false));
        }

        /**
         * {@code ! -i NAME}.
         *
         * @param name the interface
         * @return this builder
         */
        public Builder notInInterface(String name) {
            return match(new Match.Interface(Direction.SOURCE, name, true));
        }

        /**
         * {@code -o NAME} ({@code +} ends a prefix).
         *
         * @param name the interface
         * @return this builder
         */
        public Builder outInterface(String name) {
            return match(new Match.Interface(Direction.DESTINATION, name, false));
        }

        /**
         * {@code -p PROTO}.
         *
         * @param p the protocol
         * @return this builder
         */
        public Builder protocol(Protocol p) {
            return match(new Match.Proto(p, false, false));
        }

        /**
         * {@code -m PROTO -p PROTO}, kube-proxy's spelling.
         *
         * @param p the protocol
         * @return this builder
         */
        public Builder protocolModule(Protocol p) {
            return match(new Match.Proto(p, false, true));
        }

        /**
         * {@code --dport PORT}; needs a protocol.
         *
         * @param port 1-65535
         * @return this builder
         */
        public Builder dport(int port) {
            return match(new Match.Ports(Direction.DESTINATION, Match.PortRange.of(port), false));
        }

        /**
         * {@code --sport PORT}; needs a protocol.
         *
         * @param port 1-65535
         * @return this builder
         */
        public Builder sport(int port) {
            return match(new Match.Ports(Direction.SOURCE, Match.PortRange.of(port), false));
        }

        /**
         * {@code -m multiport --dports P1,P2}; needs a protocol.
         *
         * @param ports 1 to 15 ports
         * @return this builder
         */
        public Builder dports(int... ports) {
            return match(new Match.Multiport(Direction.DESTINATION,
                    java.util.Arrays.stream(ports).mapToObj(Match.PortRange::of).toList(), false));
        }

        /**
         * {@code -m comment --comment TEXT}.
         *
         * @param text at most 256 characters
         * @return this builder
         */
        public Builder comment(String text) {
            return match(new Match.Comment(text));
        }

        /**
         * {@code -m mark --mark VALUE/MASK}.
         *
         * @param value the mark
         * @param mask the bits compared
         * @return this builder
         */
        public Builder mark(long value, long mask) {
            return match(new Match.Mark(value, mask, false));
        }

        /**
         * {@code -m mark ! --mark VALUE/MASK}.
         *
         * @param value the mark
         * @param mask the bits compared
         * @return this builder
         */
        public Builder notMark(long value, long mask) {
            return match(new Match.Mark(value, mask, true));
        }

        /**
         * {@code -m conntrack --ctstate S1,S2}.
         *
         * @param states the conntrack states
         * @return this builder
         */
        public Builder ctstate(Match.CtState... states) {
            return match(new Match.Conntrack(java.util.Set.of(states), false));
        }

        /**
         * {@code -m conntrack ! --ctstate S1,S2}.
         *
         * @param states the conntrack states
         * @return this builder
         */
        public Builder notCtstate(Match.CtState... states) {
            return match(new Match.Conntrack(java.util.Set.of(states), true));
        }

        /**
         * {@code -m addrtype --src-type TYPE}.
         *
         * @param t the address type
         * @return this builder
         */
        public Builder srcType(Match.AddrType t) {
            return match(Match.srcType(t));
        }

        /**
         * {@code -m addrtype --dst-type TYPE}.
         *
         * @param t the address type
         * @return this builder
         */
        public Builder dstType(Match.AddrType t) {
            return match(Match.dstType(t));
        }

        /**
         * {@code -m addrtype ! --dst-type TYPE}.
         *
         * @param t the address type
         * @return this builder
         */
        public Builder notDstType(Match.AddrType t) {
            return match(new Match.AddrTypes(Optional.empty(), false, Optional.of(t), true));
        }

        /**
         * {@code -m statistic --mode random --probability P} with kube-proxy's ten decimals.
         *
         * @param p the share, 0 to 1
         * @return this builder
         */
        public Builder probability(double p) {
            return match(Match.Statistic.random(p));
        }

        /**
         * {@code -m set --match-set NAME src,dst}.
         *
         * @param set the ipset's name
         * @param flags which side each dimension is looked up in
         * @return this builder
         */
        public Builder matchSet(String set, Direction... flags) {
            return match(Match.matchSet(set, flags));
        }

        /**
         * {@code -m nfacct --nfacct-name NAME}.
         *
         * @param name the nfacct object
         * @return this builder
         */
        public Builder nfacct(String name) {
            return match(Match.nfacct(name));
        }

        /**
         * Ends the rule with any target.
         *
         * @param t the target
         * @return the rule
         */
        public Rule target(Target t) {
            return new Rule(chain, matches, Optional.of(t));
        }

        /**
         * A rule without a target (it only counts packets, or documents with its comment).
         *
         * @return a rule without a target (it only counts packets, or documents with its comment)
         */
        public Rule noTarget() {
            return new Rule(chain, matches, Optional.empty());
        }

        /**
         * Ends the rule with {@code -j CHAIN}.
         *
         * @param chainName the chain
         * @return the rule
         */
        public Rule jump(String chainName) {
            return target(new Target.Jump(ChainName.of(chainName)));
        }

        /**
         * Ends the rule with {@code -j CHAIN}.
         *
         * @param chainName the chain
         * @return the rule
         */
        public Rule jump(ChainName chainName) {
            return target(new Target.Jump(chainName));
        }

        /**
         * Ends the rule with {@code -g CHAIN} (no return to this chain).
         *
         * @param chainName the chain
         * @return the rule
         */
        public Rule gotoChain(String chainName) {
            return target(new Target.Goto(ChainName.of(chainName)));
        }

        /**
         * Ends the rule with {@code -j ACCEPT}.
         *
         * @return the rule
         */
        public Rule accept() {
            return target(Target.Verdict.ACCEPT);
        }

        /**
         * Ends the rule with {@code -j DROP}.
         *
         * @return the rule
         */
        public Rule drop() {
            return target(Target.Verdict.DROP);
        }

        /**
         * Ends the rule with {@code -j RETURN}.
         *
         * @return the rule
         */
        public Rule returns() {
            return target(Target.Verdict.RETURN);
        }

        /**
         * Ends the rule with {@code -j REJECT}.
         *
         * @return the rule
         */
        public Rule reject() {
            return target(new Target.Reject(Optional.empty()));
        }

        /**
         * Ends the rule with {@code -j REJECT --reject-with TYPE}.
         *
         * @param with the ICMP type
         * @return the rule
         */
        public Rule reject(String with) {
            return target(new Target.Reject(Optional.of(with)));
        }

        /**
         * Ends the rule with {@code -j DNAT --to-destination IP:PORT}.
         *
         * @param to the new destination
         * @return the rule
         */
        public Rule dnat(HostPort to) {
            return target(Target.Dnat.to(to));
        }

        /**
         * Ends the rule with {@code -j DNAT --to-destination IP:PORT}.
         *
         * @param hostPort {@code ip:port} or {@code [ip6]:port}
         * @return the rule
         */
        public Rule dnat(String hostPort) {
            return dnat(HostPort.parse(hostPort));
        }

        /**
         * Ends the rule with {@code -j MASQUERADE [--random-fully]}.
         *
         * @param randomFully whether to pick source ports fully at random
         * @return the rule
         */
        public Rule masquerade(boolean randomFully) {
            return target(new Target.Masquerade(randomFully, 0, 0));
        }

        /**
         * Ends the rule with {@code -j MARK --or-mark MARK}.
         *
         * @param mark the bits to set
         * @return the rule
         */
        public Rule orMark(long mark) {
            return target(Target.orMark(mark));
        }

        /**
         * Ends the rule with {@code -j MARK --xor-mark MARK}.
         *
         * @param mark the bits to flip
         * @return the rule
         */
        public Rule xorMark(long mark) {
            return target(Target.xorMark(mark));
        }
    }
}
