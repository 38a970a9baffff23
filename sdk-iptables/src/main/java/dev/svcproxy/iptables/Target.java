// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.HostPort;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.iptables.internal.Args;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What a rule does with a matching packet: a verdict, a jump or goto to a chain, or a target extension. */
public sealed interface Target {

    void render(Args out);

    /** The kernel's normal form (e.g. {@code --or-mark X} becomes {@code --set-xmark X/X}). */
    default Target normalize(IpFamily family) {
        return this;
    }

    default Optional<IpFamily> family() {
        return Optional.empty();
    }

    /** The chain this target continues in, for jumps and gotos. */
    default Optional<ChainName> chain() {
        return Optional.empty();
    }

    /** ACCEPT, DROP or RETURN. */
    enum Verdict implements Target {
        ACCEPT, DROP, RETURN;

        @Override
        public void render(Args out) {
            out.add("-j", name());
        }
    }

    /** {@code -j CHAIN}: continue in a user chain and come back. */
    record Jump(ChainName target) implements Target {
        @Override
        public void render(Args out) {
            out.add("-j", target.name());
        }

        @Override
        public Optional<ChainName> chain() {
            return Optional.of(target);
        }
    }

    /** {@code -g CHAIN}: continue in a user chain and do not come back. */
    record Goto(ChainName target) implements Target {
        @Override
        public void render(Args out) {
            out.add("-g", target.name());
        }

        @Override
        public Optional<ChainName> chain() {
            return Optional.of(target);
        }
    }

    /** {@code -j REJECT [--reject-with TYPE]}. */
    record Reject(Optional<String> with) implements Target {
        private static final Set<String> TYPES = Set.of("icmp-net-unreachable", "icmp-host-unreachable",
                "icmp-port-unreachable", "icmp-proto-unreachable", "icmp-net-prohibited", "icmp-host-prohibited",
                "icmp-admin-prohibited", "tcp-reset", "icmp6-no-route", "icmp6-adm-prohibited",
                "icmp6-addr-unreachable", "icmp6-port-unreachable", "icmp6-policy-fail", "icmp6-reject-route");

        public Reject {
            with.ifPresent(w -> {
                if (!TYPES.contains(w)) {
                    throw new InvalidInputException("unknown --reject-with type", w);
                }
            });
        }

        @Override
        public void render(Args out) {
            out.add("-j", "REJECT");
            with.ifPresent(w -> out.add("--reject-with", w));
        }

        @Override
        public Target normalize(IpFamily family) {
            return with.isPresent() ? this : new Reject(Optional.of(
                    family == IpFamily.IPV4 ? "icmp-port-unreachable" : "icmp6-port-unreachable"));
        }

        @Override
        public Optional<IpFamily> family() {
            return with.filter(w -> !w.equals("tcp-reset"))
                    .map(w -> w.startsWith("icmp6") ? IpFamily.IPV6 : IpFamily.IPV4);
        }
    }

    /** {@code -j DNAT --to-destination IP[:PORT]} ({@code [v6]:port} for IPv6). Port 0 = keep the port. */
    record Dnat(IpAddress address, int port) implements Target {
        public Dnat {
            if (port != 0) {
                dev.svcproxy.api.net.Port.check(port, "DNAT to " + address);
            }
        }

        public static Dnat to(HostPort hp) {
            return new Dnat(hp.ip(), hp.port());
        }

        /** {@code IP[:PORT]} as {@code --to-destination} takes it. */
        public String destination() {
            return port == 0 ? address.toString() : HostPort.of(address, port).toString();
        }

        @Override
        public void render(Args out) {
            out.add("-j", "DNAT", "--to-destination", destination());
        }

        @Override
        public Optional<IpFamily> family() {
            return Optional.of(address.family());
        }
    }

    /** {@code -j SNAT --to-source IP[:FROM-TO] [--random-fully]}. Ports 0 = keep. */
    record Snat(IpAddress address, int portFrom, int portTo, boolean randomFully) implements Target {
        public Snat {
            if (portFrom != 0 || portTo != 0) {
                new Match.PortRange(portFrom, portTo);
            }
        }

        @Override
        public void render(Args out) {
            String a = address.family() == IpFamily.IPV6 && portFrom != 0 ? "[" + address + "]" : address.toString();
            out.add("-j", "SNAT", "--to-source", portFrom == 0 ? a : a + ":" + portFrom + "-" + portTo);
            if (randomFully) {
                out.add("--random-fully");
            }
        }

        @Override
        public Optional<IpFamily> family() {
            return Optional.of(address.family());
        }
    }

    /** {@code -j MASQUERADE [--to-ports FROM[-TO]] [--random-fully]}. Ports 0 = any. */
    record Masquerade(boolean randomFully, int portFrom, int portTo) implements Target {
        public Masquerade {
            if (portFrom != 0 || portTo != 0) {
                new Match.PortRange(portFrom, portTo);
            }
        }

        @Override
        public void render(Args out) {
            out.add("-j", "MASQUERADE");
            if (portFrom != 0) {
                out.add("--to-ports", portFrom == portTo ? Integer.toString(portFrom) : portFrom + "-" + portTo);
            }
            if (randomFully) {
                out.add("--random-fully");
            }
        }
    }

    /** How a MARK target changes the packet mark. */
    enum MarkOp { SET, OR, XOR, AND, SET_XMARK }

    /**
     * {@code -j MARK --set-mark|--or-mark|--xor-mark|--and-mark V} or {@code --set-xmark V/M}. Equal when the
     * kernel's (value, mask) pair is equal: new mark = (mark AND NOT mask) XOR value.
     */
    record MarkTarget(MarkOp op, long value, long mask) implements Target {
        public MarkTarget {
            if (value < 0 || value > 0xffffffffL || mask < 0 || mask > 0xffffffffL) {
                throw new InvalidInputException("mark and mask must fit in 32 bits", Match.hex(value));
            }
        }

        /** The kernel's xmark form. */
        public MarkTarget xmark() {
            return switch (op) {
                case SET -> new MarkTarget(MarkOp.SET_XMARK, value, mask);
                case OR -> new MarkTarget(MarkOp.SET_XMARK, value, value);
                case XOR -> new MarkTarget(MarkOp.SET_XMARK, value, 0);
                case AND -> new MarkTarget(MarkOp.SET_XMARK, 0, ~value & 0xffffffffL);
                case SET_XMARK -> this;
            };
        }

        @Override
        public void render(Args out) {
            out.add("-j", "MARK");
            switch (op) {
                case SET -> out.add("--set-mark", mask == 0xffffffffL ? Match.hex8(value) : Match.hex8(value) + "/" + Match.hex8(mask));
                case OR -> out.add("--or-mark", Match.hex8(value));
                case XOR -> out.add("--xor-mark", Match.hex8(value));
                case AND -> out.add("--and-mark", Match.hex8(value));
                case SET_XMARK -> out.add("--set-xmark", Match.hex(value) + "/" + Match.hex(mask));
            }
        }

        @Override
        public Target normalize(IpFamily family) {
            return xmark();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MarkTarget m && xmark().value == m.xmark().value && xmark().mask == m.xmark().mask;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(xmark().value * 31 + xmark().mask);
        }
    }

    /** A target extension this SDK does not model, kept word for word. */
    record Other(String name, List<String> words) implements Target {
        public Other {
            words = List.copyOf(words);
        }

        @Override
        public void render(Args out) {
            out.add("-j", name);
            words.forEach(out::add);
        }
    }

    // ---------------------------------------------------------------- factories

    static Target jump(String chain) {
        return new Jump(ChainName.of(chain));
    }

    static Target dnat(HostPort to) {
        return Dnat.to(to);
    }

    static Target masquerade(boolean randomFully) {
        return new Masquerade(randomFully, 0, 0);
    }

    static Target orMark(long mark) {
        return new MarkTarget(MarkOp.OR, mark, mark);
    }

    static Target xorMark(long mark) {
        return new MarkTarget(MarkOp.XOR, mark, 0);
    }

    static Target reject(String with) {
        return new Reject(Optional.of(with));
    }
}
