// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.net.Port;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.iptables.internal.Args;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One condition of a rule, rendered in iptables syntax and parsed back from {@code iptables-save}. Built with the
 * static factories; invalid arguments throw {@link InvalidInputException} at once.
 *
 * <p>{@link #normalize(IpFamily)} gives the form the kernel stores and iptables-save prints (for example a
 * statistic probability rounded to the kernel's 31-bit value); compare normalised rules, not text.
 */
public sealed interface Match {

    /** Which side of the packet an address, interface or port option looks at. */
    enum Direction {
        /** The source side ({@code -s}, {@code -i}, {@code --sport}...). */
        SOURCE,
        /** The destination side ({@code -d}, {@code -o}, {@code --dport}...). */
        DESTINATION
    }

    /** Connection-tracking states, in the order iptables-save prints them. */
    enum CtState {
        /** A packet conntrack could not place. */
        INVALID,
        /** The first packet of a connection. */
        NEW,
        /** A new connection related to an existing one (e.g. ICMP errors). */
        RELATED,
        /** A packet of a connection seen both ways. */
        ESTABLISHED,
        /** An untracked packet. */
        UNTRACKED,
        /** A connection whose source was translated. */
        SNAT,
        /** A connection whose destination was translated (as a Service's). */
        DNAT
    }

    /** Address types of {@code -m addrtype}. */
    enum AddrType {
        /** The routing table's {@code UNSPEC} address type. */
        UNSPEC,
        /** The routing table's {@code UNICAST} address type. */
        UNICAST,
        /** The routing table's {@code LOCAL} address type. */
        LOCAL,
        /** The routing table's {@code BROADCAST} address type. */
        BROADCAST,
        /** The routing table's {@code ANYCAST} address type. */
        ANYCAST,
        /** The routing table's {@code MULTICAST} address type. */
        MULTICAST,
        /** The routing table's {@code BLACKHOLE} address type. */
        BLACKHOLE,
        /** The routing table's {@code UNREACHABLE} address type. */
        UNREACHABLE,
        /** The routing table's {@code PROHIBIT} address type. */
        PROHIBIT,
        /** The routing table's {@code THROW} address type. */
        THROW,
        /** The routing table's {@code NAT} address type. */
        NAT,
        /** The routing table's {@code XRESOLVE} address type. */
        XRESOLVE
    }

    /**
     * Appends this match's words.
     *
     * @param out where the text goes
     */
    void render(Args out);

    /**
     * The kernel's normal form of this match.
     *
     * @param family the IP family
     * @return the kernel's normal form of this match
     */
    default Match normalize(IpFamily family) {
        return this;
    }

    /**
     * The IP family this match is bound to, if any (addresses are).
     *
     * @return the IP family this match is bound to, if any (addresses are)
     */
    default Optional<IpFamily> family() {
        return Optional.empty();
    }

    // ---------------------------------------------------------------- core matches (-s -d -i -o -p)

    /** {@code [!] -s CIDR} / {@code [!] -d CIDR}. A single address renders bare, as kube-proxy writes it. */
    record Address(Direction direction, Cidr cidr, boolean negated) implements Match {
        /**
         * Checks the parts; an {@link dev.svcproxy.api.InvalidInputException} names a bad one.
         *
         * @param cidr the prefix
         * @param direction which side of the packet
         * @param negated whether to negate
         */
        public Address {
            require(cidr != null, "address", "missing address");
        }

        @Override
        public void render(Args out) {
            out.negated(negated).add(direction == Direction.SOURCE ? "-s" : "-d",
                    cidr.isSingleAddress() && !out.saveStyle() ? cidr.network().toString() : cidr.toString());
        }

        @Override
        public Optional<IpFamily> family() {
            return Optional.of(cidr.family());
        }
    }

    /** {@code [!] -i NAME} / {@code [!] -o NAME}; a trailing {@code +} matches every name with that prefix. */
    record Interface(Direction direction, String name, boolean negated) implements Match {
        private static final Pattern NAME = Pattern.compile("[^\\s/'\"\\\\+!]{1,15}\\+?|\\+");

        /**
         * Checks the parts; an {@link dev.svcproxy.api.InvalidInputException} names a bad one.
         *
         * @param direction which side of the packet
         * @param name the name
         * @param negated whether to negate
         */
        public Interface {
            require(name != null && NAME.matcher(name).matches() && name.length() <= 15, String.valueOf(name),
                    "invalid interface name (1-15 characters, no whitespace, quotes or /; '+' only at the end)");
        }

        @Override
        public void render(Args out) {
            out.negated(negated).add(direction == Direction.SOURCE ? "-i" : "-o", name);
        }
    }

    /**
     * {@code [!] -p PROTO}. With {@code withModule} it renders {@code -m tcp -p tcp} as kube-proxy writes it,
     * loading the protocol's match module explicitly.
     */
    record Proto(Protocol protocol, boolean negated, boolean withModule) implements Match {
        /**
         * Checks the parts; an {@link dev.svcproxy.api.InvalidInputException} names a bad one.
         *
         * @param withModule whether to add {@code -m PROTO} too, as kube-proxy writes it
         * @param negated whether to negate
         * @param protocol the protocol
         */
        public Proto {
            require(!(negated && withModule), protocol.lowerName(), "a negated protocol cannot load its module");
        }

        @Override
        public void render(Args out) {
            if (withModule) {
                out.add("-m", protocol.lowerName());
            }
            out.negated(negated).add("-p", protocol.lowerName());
        }
    }

    // ---------------------------------------------------------------- protocol module and ports

    /** {@code -m tcp|udp|sctp} alone: the protocol module that port options belong to (as iptables-save prints it). */
    record ProtoModule(Protocol protocol) implements Match {
        @Override
        public void render(Args out) {
            out.add("-m", protocol.lowerName());
        }
    }

    /** {@code [!] --sport A[:B]} / {@code [!] --dport A[:B]}; needs a tcp, udp or sctp protocol in the rule. */
    record Ports(Direction direction, PortRange range, boolean negated) implements Match {
        @Override
        public void render(Args out) {
            out.negated(negated).add(direction == Direction.SOURCE ? "--sport" : "--dport", range.toString());
        }
    }

    /** A port or an inclusive port range; {@code 80} or {@code 80:90}. */
    record PortRange(int from, int to) {
        /**
         * Checks the parts; an {@link dev.svcproxy.api.InvalidInputException} names a bad one.
         *
         * @param from the first port
         * @param to the last port
         */
        public PortRange {
            Port.check(from, "port range " + from + ":" + to);
            Port.check(to, "port range " + from + ":" + to);
            require(from <= to, from + ":" + to, "port range is reversed");
        }

        /**
         * A single port.
         *
         * @param port 1-65535
         * @return the range
         */
        public static PortRange of(int port) {
            return new PortRange(port, port);
        }

        /**
         * Parses {@code 80} or {@code 80:90}.
         *
         * @param text the text to parse
         * @return the range
         */
        public static PortRange parse(String text) {
            String[] p = text.split(":", -1);
            try {
                return p.length == 1 ? of(Port.parse(p[0]).value())
                        : new PortRange(Port.parse(p[0]).value(), Port.parse(p[1]).value());
            } catch (InvalidInputException e) {
                throw new InvalidInputException("invalid port or port range", text, e);
            }
        }

        /**
         * Whether {@code port} is in the range.
         *
         * @param port a port
         * @return true if within
         */
        public boolean contains(int port) {
            return port >= from && port <= to;
        }

        @Override
        public String toString() {
            return from == to ? Integer.toString(from) : from + ":" + to;
        }
    }

    /** {@code -m multiport [!] --sports|--dports P1,P2:P3,...} (at most 15 ports; a range counts twice). */
    record Multiport(Direction direction, List<PortRange> ports, boolean negated) implements Match {
        /**
         * Checks the parts; an {@link dev.svcproxy.api.InvalidInputException} names a bad one.
         *
         * @param ports the ports, at most 15
         * @param direction which side of the packet
         * @param negated whether to negate
         */
        public Multiport {
            ports = List.copyOf(ports);
            int slots = ports.stream().mapToInt(r -> r.from() == r.to() ? 1 : 2).sum();
            require(!ports.isEmpty() && slots <= 15, ports.toString(), "multiport takes 1 to 15 ports (a range counts as 2)");
        }

        @Override
        public void render(Args out) {
            out.add("-m", "multiport").negated(negated).add(direction == Direction.SOURCE ? "--sports" : "--dports",
                    ports.stream().map(PortRange::toString).collect(Collectors.joining(",")));
        }
    }

    // ---------------------------------------------------------------- other modules

    /** {@code -m comment --comment TEXT}: any text up to 255 bytes without line breaks or NUL; quoted safely. */
    record Comment(String text) implements Match {
        /**
         * Checks the parts; an {@link dev.svcproxy.api.InvalidInputException} names a bad one.
         *
         * @param text the text to parse
         */
        public Comment {
            require(text != null, "comment", "missing comment");
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                require(c != '\n' && c != '\r' && c != 0, text, "a comment may not contain line breaks or NUL");
            }
            // at most 3 UTF-8 bytes per char: only long comments need encoding to count
            require(text.length() * 3 <= 255 || text.getBytes(StandardCharsets.UTF_8).length <= 255, text,
                    "a comment may be at most 255 bytes");
        }

        @Override
        public void render(Args out) {
            out.add("-m", "comment", "--comment").quoted(text);
        }
    }

    /** {@code -m mark [!] --mark VALUE[/MASK]}. Values render as kube-proxy writes them ({@code 0x00004000}). */
    record Mark(long value, long mask, boolean negated) implements Match {
        /**
         * Checks the parts; an {@link dev.svcproxy.api.InvalidInputException} names a bad one.
         *
         * @param value the value
         * @param mask the mask
         * @param negated whether to negate
         */
        public Mark {
            requireU32(value, "mark");
            requireU32(mask, "mark mask");
        }

        @Override
        public void render(Args out) {
            out.add("-m", "mark").negated(negated).add("--mark", out.saveStyle()
                    ? hex(value) + (mask == 0xffffffffL ? "" : "/" + hex(mask))
                    : hex8(value) + "/" + hex8(mask));
        }
    }

    /** {@code -m conntrack [!] --ctstate S1,S2}. */
    record Conntrack(Set<CtState> states, boolean negated) implements Match {
        /**
         * Checks the parts; an {@link dev.svcproxy.api.InvalidInputException} names a bad one.
         *
         * @param negated whether to negate
         * @param states the conntrack states
         */
        public Conntrack {
            require(!states.isEmpty(), "ctstate", "at least one state");
            states = Set.copyOf(EnumSet.copyOf(states));
        }

        @Override
        public void render(Args out) {
            out.add("-m", "conntrack").negated(negated).add("--ctstate",
                    EnumSet.copyOf(states).stream().map(Enum::name).collect(Collectors.joining(",")));
        }
    }

    /** {@code -m addrtype [!] --src-type T [!] --dst-type T}; either side may be absent. */
    record AddrTypes(Optional<AddrType> source, boolean sourceNegated, Optional<AddrType> destination,
                     boolean destinationNegated) implements Match {
        /**
         * Checks the parts; an {@link dev.svcproxy.api.InvalidInputException} names a bad one.
         *
         * @param destination the destination
         * @param destinationNegated whether the destination type is negated
         * @param source the source
         * @param sourceNegated whether the source type is negated
         */
        public AddrTypes {
            require(source.isPresent() || destination.isPresent(), "addrtype", "needs --src-type or --dst-type");
        }

        @Override
        public void render(Args out) {
            out.add("-m", "addrtype");
            source.ifPresent(t -> out.negated(sourceNegated).add("--src-type", t.name()));
            destination.ifPresent(t -> out.negated(destinationNegated).add("--dst-type", t.name()));
        }
    }

    /**
     * {@code -m statistic --mode random --probability P} or {@code --mode nth --every N --packet P}. The kernel keeps
     * a probability as {@code round(P * 2^31)}; two statistics are equal when those values are.
     */
    record Statistic(String probability, int every, int packet) implements Match {
        /**
         * Checks the parts; an {@link dev.svcproxy.api.InvalidInputException} names a bad one.
         *
         * @param every the period
         * @param packet the packet
         * @param probability the share, 0 to 1
         */
        public Statistic {
            if (probability != null) {
                double p;
                try {
                    p = Double.parseDouble(probability);
                } catch (NumberFormatException e) {
                    throw new InvalidInputException("probability is not a number", probability, e);
                }
                require(p >= 0 && p <= 1 && !probability.contains("e") && !probability.contains("E"), probability,
                        "probability must be a decimal between 0 and 1");
            } else {
                require(every >= 1 && packet >= 0 && packet < every, "nth " + every + "/" + packet,
                        "nth needs every >= 1 and 0 <= packet < every");
            }
        }

        /**
         * Random mode with kube-proxy's text: ten decimals ({@code 0.3333333333}).
         *
         * @param probability the share, 0 to 1
         * @return the match
         */
        public static Statistic random(double probability) {
            require(probability >= 0 && probability <= 1, Double.toString(probability), "probability must be between 0 and 1");
            // kube-proxy precomputes these strings too: the same few values recur in every service
            return TEN_DECIMALS.computeIfAbsent(probability,
                    p -> new Statistic(String.format(Locale.ROOT, "%.10f", p), 0, 0));
        }

        private static final java.util.Map<Double, Statistic> TEN_DECIMALS = new java.util.concurrent.ConcurrentHashMap<>();

        /**
         * Whether this is {@code --mode random} (else nth).
         *
         * @return true for random
         */
        public boolean isRandom() {
            return probability != null;
        }

        /**
         * The kernel's 31-bit fixed-point value of the probability.
         *
         * @return the kernel's 31-bit fixed-point value of the probability
         */
        public long kernelValue() {
            return Math.round(Double.parseDouble(probability) * 0x80000000L);
        }

        @Override
        public void render(Args out) {
            out.add("-m", "statistic", "--mode");
            if (isRandom()) {
                out.add("random", "--probability", probability);
            } else {
                out.add("nth", "--every", Integer.toString(every), "--packet", Integer.toString(packet));
            }
        }

        @Override
        public Match normalize(IpFamily family) {
            return isRandom()
                    ? new Statistic(String.format(Locale.ROOT, "%.11f", kernelValue() / (double) 0x80000000L), 0, 0)
                    : this;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Statistic s && isRandom() == s.isRandom()
                    && (isRandom() ? kernelValue() == s.kernelValue() : every == s.every && packet == s.packet);
        }

        @Override
        public int hashCode() {
            return isRandom() ? Long.hashCode(kernelValue()) : every * 31 + packet;
        }
    }

    /** What {@code -m recent} does with the address list. */
    enum RecentAction {
        /** {@code --set}: add the source to the list. */
        SET,
        /** {@code --rcheck}: match a source on the list. */
        RCHECK,
        /** {@code --update}: match and refresh a source on the list. */
        UPDATE,
        /** {@code --remove}: match and remove a source from the list. */
        REMOVE
    }

    /**
     * {@code -m recent --name N --set|--rcheck|--update|--remove [--seconds S] [--reap] [--rdest]}: kube-proxy's
     * ClientIP affinity. {@code seconds} 0 = not given. The kernel's defaults ({@code --mask} all ones,
     * {@code --rsource}) are shown by iptables-save and ignored in comparisons.
     */
    record Recent(String name, RecentAction action, int seconds, boolean reap, boolean rdest) implements Match {
        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,199}");

        /**
         * Checks the parts; an {@link dev.svcproxy.api.InvalidInputException} names a bad one.
         *
         * @param action what the match does with the list
         * @param name the name
         * @param rdest whether to record the destination instead of the source
         * @param reap whether to remove entries older than the window
         * @param seconds the window in seconds, 0 for any time
         */
        public Recent {
            require(name != null && NAME.matcher(name).matches(), String.valueOf(name), "invalid recent list name");
            require(seconds >= 0, name, "seconds must not be negative");
            require(!reap || seconds > 0, name, "--reap needs --seconds");
            require(seconds == 0 || action == RecentAction.RCHECK || action == RecentAction.UPDATE, name,
                    "--seconds only goes with --rcheck or --update");
        }

        @Override
        public void render(Args out) {
            out.add("-m", "recent");
            if (out.saveStyle()) {
                out.add("--" + action.name().toLowerCase(Locale.ROOT));
                if (seconds > 0) {
                    out.add("--seconds", Integer.toString(seconds));
                }
                if (reap) {
                    out.add("--reap");
                }
                out.add("--name", name, "--mask", allOnes(out.family()), rdest ? "--rdest" : "--rsource");
                return;
            }
            out.add("--name", name, "--" + action.name().toLowerCase(Locale.ROOT));
            if (seconds > 0) {
                out.add("--seconds", Integer.toString(seconds));
            }
            if (reap) {
                out.add("--reap");
            }
            if (rdest) {
                out.add("--rdest");
            }
        }
    }

    /** {@code -m set [!] --match-set NAME dst,dst,src}. */
    record SetMatch(String setName, List<Direction> flags, boolean negated) implements Match {
        /**
         * Checks the parts; an {@link dev.svcproxy.api.InvalidInputException} names a bad one.
         *
         * @param flags the flags
         * @param negated whether to negate
         * @param setName the ipset's name
         */
        public SetMatch {
            require(setName != null && setName.matches("[^\\s'\"\\\\]{1,31}"), String.valueOf(setName),
                    "invalid ipset name (1-31 characters, no whitespace or quotes)");
            flags = List.copyOf(flags);
            require(!flags.isEmpty() && flags.size() <= 6, setName, "a set match needs 1 to 6 src/dst flags");
        }

        @Override
        public void render(Args out) {
            out.add("-m", "set").negated(negated).add("--match-set", setName,
                    flags.stream().map(d -> d == Direction.SOURCE ? "src" : "dst").collect(Collectors.joining(",")));
        }
    }

    /** {@code -m nfacct --nfacct-name NAME}: counts packets in an nfacct object. */
    record Nfacct(String name) implements Match {
        /**
         * Checks the parts; an {@link dev.svcproxy.api.InvalidInputException} names a bad one.
         *
         * @param name the name
         */
        public Nfacct {
            require(name != null && name.matches("[^\\s'\"\\\\]{1,31}"), String.valueOf(name),
                    "invalid nfacct name (1-31 characters, no whitespace or quotes)");
        }

        @Override
        public void render(Args out) {
            out.add("-m", "nfacct", "--nfacct-name", name);
        }
    }

    /** One {@code -m physdev} option: {@code --physdev-in NAME}, {@code --physdev-is-in}, ... */
    record PhysdevOption(String option, Optional<String> device, boolean negated) {
        private static final Set<String> FLAGS = Set.of("physdev-is-in", "physdev-is-out", "physdev-is-bridged");

        /**
         * Checks the parts; an {@link dev.svcproxy.api.InvalidInputException} names a bad one.
         *
         * @param device the bridge port
         * @param negated whether to negate
         * @param option the option's name
         */
        public PhysdevOption {
            require(FLAGS.contains(option) ? device.isEmpty()
                            : (option.equals("physdev-in") || option.equals("physdev-out")) && device.isPresent(),
                    option, "unknown physdev option or wrong argument");
            device.ifPresent(d -> new Interface(Direction.SOURCE, d, false));
        }
    }

    /** {@code -m physdev} with its options, e.g. {@code ! --physdev-is-in}. */
    record Physdev(List<PhysdevOption> options) implements Match {
        /**
         * Checks the parts; an {@link dev.svcproxy.api.InvalidInputException} names a bad one.
         *
         * @param options the physdev options
         */
        public Physdev {
            options = List.copyOf(options);
            require(!options.isEmpty(), "physdev", "needs at least one option");
        }

        @Override
        public void render(Args out) {
            out.add("-m", "physdev");
            for (PhysdevOption o : options) {
                out.negated(o.negated()).add("--" + o.option());
                o.device().ifPresent(out::add);
            }
        }
    }

    /** A match module this SDK does not model, kept word for word (e.g. from rules other software wrote). */
    record Other(String module, List<String> words) implements Match {
        /**
         * Checks the parts; an {@link dev.svcproxy.api.InvalidInputException} names a bad one.
         *
         * @param words the rule's words
         * @param module the match module's name
         */
        public Other {
            words = List.copyOf(words);
        }

        @Override
        public void render(Args out) {
            out.add("-m", module);
            words.forEach(out::add);
        }
    }

    // ---------------------------------------------------------------- factories

    /**
     * {@code -s CIDR}.
     *
     * @param cidr an address or prefix
     * @return the match
     */
    static Match source(String cidr) {
        return new Address(Direction.SOURCE, Cidr.parse(cidr), false);
    }

    /**
     * {@code -d CIDR}.
     *
     * @param cidr an address or prefix
     * @return the match
     */
    static Match destination(String cidr) {
        return new Address(Direction.DESTINATION, Cidr.parse(cidr), false);
    }

    /**
     * {@code -p PROTO}.
     *
     * @param protocol the protocol
     * @return the match
     */
    static Match protocol(Protocol protocol) {
        return new Proto(protocol, false, false);
    }

    /**
     * {@code --dport PORT} (with the protocol's match).
     *
     * @param port the port
     * @return the match
     */
    static Match dport(int port) {
        return new Ports(Direction.DESTINATION, PortRange.of(port), false);
    }

    /**
     * {@code -m comment --comment TEXT}.
     *
     * @param text the comment
     * @return the match
     */
    static Match comment(String text) {
        return new Comment(text);
    }

    /**
     * {@code -m conntrack --ctstate S1,S2}.
     *
     * @param states the conntrack states
     * @return the match
     */
    static Match ctstate(CtState... states) {
        return new Conntrack(Set.of(states), false);
    }

    /**
     * {@code -m addrtype --dst-type TYPE}.
     *
     * @param type the address type
     * @return the match
     */
    static Match dstType(AddrType type) {
        return new AddrTypes(Optional.empty(), false, Optional.of(type), false);
    }

    /**
     * {@code -m addrtype --src-type TYPE}.
     *
     * @param type the address type
     * @return the match
     */
    static Match srcType(AddrType type) {
        return new AddrTypes(Optional.of(type), false, Optional.empty(), false);
    }

    /**
     * kube-proxy's probability for the i-th of n endpoints: {@code 1/(n-i)}.
     *
     * @param p the share, 0 to 1
     * @return the match
     */
    static Match probability(double p) {
        return Statistic.random(p);
    }

    /**
     * {@code -m statistic --mode nth --every N --packet P}.
     *
     * @param every the period
     * @param packet which packet of each period, 0 to {@code every - 1}
     * @return the match
     */
    static Match nth(int every, int packet) {
        return new Statistic(null, every, packet);
    }

    /**
     * {@code -m recent --name NAME --set}: records the source (kube-proxy's session affinity).
     *
     * @param name the list's name
     * @return the match
     */
    static Match recentSet(String name) {
        return new Recent(name, RecentAction.SET, 0, false, false);
    }

    /**
     * {@code -m recent --name NAME --rcheck [--seconds S]}: the source was recorded within {@code seconds}.
     *
     * @param name the list's name
     * @param seconds the window, 0 for any time
     * @return the match
     */
    static Match recentCheck(String name, int seconds) {
        return new Recent(name, RecentAction.RCHECK, seconds, seconds > 0, false);
    }

    /**
     * {@code -m set --match-set NAME src,dst}.
     *
     * @param setName the ipset's name
     * @param flags which side each dimension of the set is looked up in
     * @return the match
     */
    static Match matchSet(String setName, Direction... flags) {
        return new SetMatch(setName, List.of(flags), false);
    }

    /**
     * {@code -m nfacct --nfacct-name NAME}: counts packets in an nfacct object.
     *
     * @param name the object's name
     * @return the match
     */
    static Match nfacct(String name) {
        return new Nfacct(name);
    }

    /**
     * {@code -m mark --mark VALUE/MASK}.
     *
     * @param value the mark
     * @param mask the bits compared
     * @return the match
     */
    static Match mark(long value, long mask) {
        return new Mark(value, mask, false);
    }

    // ---------------------------------------------------------------- helpers

    private static void require(boolean ok, String object, String message) {
        if (!ok) {
            throw new InvalidInputException(message, object);
        }
    }

    private static void requireU32(long v, String what) {
        require(v >= 0 && v <= 0xffffffffL, Long.toString(v), what + " must fit in 32 bits");
    }

    /**
     * {@code 0x4000}: how iptables-save prints marks.
     *
     * @param v the value
     * @return {@code 0x4000}
     */
    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    /**
     * {@code 0x00004000}: Go's {@code %#08x}, how kube-proxy writes marks.
     *
     * @param v the value
     * @return {@code 0x00004000}
     */
    static String hex8(long v) {
        return String.format(Locale.ROOT, "0x%08x", v);
    }

    /**
     * The all-ones mask text iptables-save prints for {@code -m recent}.
     *
     * @param family the IP family
     * @return the all-ones mask text iptables-save prints for {@code -m recent}
     */
    static String allOnes(IpFamily family) {
        return family == IpFamily.IPV4 ? "255.255.255.255" : IpAddress.ofBytes(ones(16)).toString();
    }

    private static byte[] ones(int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) 0xff);
        return b;
    }
}
