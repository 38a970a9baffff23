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

    /**
     * Appends the target's words ({@code -j ...}) to a rule's.
     *
     * @param out the rule's words so far
     */
    void render(Args out);

    /**
     * The kernel's normal form (e.g. {@code --or-mark X} becomes {@code --set-xmark X/X}).
     *
     * @param family the IP family
     * @return the normal form
     */
    default Target normalize(IpFamily family) {
        return this;
    }

    /**
     * The IP family this target is bound to, if any (a DNAT address is).
     *
     * @return the family, if bound
     */
    default Optional<IpFamily> family() {
        return Optional.empty();
    }

    /**
     * The chain this target continues in, for jumps and gotos.
     *
     * @return the chain this target continues in, for jumps and gotos
     */
    default Optional<ChainName> chain() {
        return Optional.empty();
    }

    /** ACCEPT, DROP or RETURN. */
    enum Verdict implements Target {
        /** Accept the packet. */
        ACCEPT,
        /** Drop the packet. */
        DROP,
        /** Return to the calling chain. */
        RETURN;

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

        /**
         * Checks the parts; an {@link dev.svcproxy.api.InvalidInputException} names a bad one.
         *
         * @param with the ICMP type to answer with
         */
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
        /**
         * Checks the parts; an {@link dev.svcproxy.api.InvalidInputException} names a bad one.
         *
         * @param address the address
         * @param port the port
         */
        public Dnat {
            if (port != 0) {
                dev.svcproxy.api.net.Port.check(port, "DNAT to " + address);
            }
        }

        /**
         * {@code -j DNAT --to-destination IP:PORT}.
         *
         * @param hp the new destination
         * @return the target
         */
        public static Dnat to(HostPort hp) {
            return new Dnat(hp.ip(), hp.port());
        }

        /**
         * {@code IP[:PORT]} as {@code --to-destination} takes it.
         *
         * @return {@code IP[:PORT]} as {@code --to-destination} takes it
         */
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
        /**
         * Checks the parts; an {@link dev.svcproxy.api.InvalidInputException} names a bad one.
         *
         * @param address the address
         * @param portFrom the first port
         * @param portTo the last port
         * @param randomFully whether MASQUERADE picks source ports fully at random
         */
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
        /**
         * Checks the parts; an {@link dev.svcproxy.api.InvalidInputException} names a bad one.
         *
         * @param portFrom the first port
         * @param portTo the last port
         * @param randomFully whether MASQUERADE picks source ports fully at random
         */
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
    enum MarkOp {
        /** {@code --set-mark}: replace the mark. */
        SET,
        /** {@code --or-mark}: set bits. */
        OR,
        /** {@code --xor-mark}: flip bits. */
        XOR,
        /** {@code --and-mark}: keep bits. */
        AND,
        /** {@code --set-xmark V/M}: clear the mask's bits, then flip the value's (the kernel's form). */
        SET_XMARK
    }

    /**
     * {@code -j MARK --set-mark|--or-mark|--xor-mark|--and-mark V} or {@code --set-xmark V/M}. Equal when the
     * kernel's (value, mask) pair is equal: new mark = (mark AND NOT mask) XOR value.
     */
    record MarkTarget(MarkOp op, long value, long mask) implements Target {
        /**
         * Checks the parts; an {@link dev.svcproxy.api.InvalidInputException} names a bad one.
         *
         * @param mask the mask
         * @param op the operation
         * @param value the value
         */
        public MarkTarget {
            if (value < 0 || value > 0xffffffffL || mask < 0 || mask > 0xffffffffL) {
                throw new InvalidInputException("mark and mask must fit in 32 bits", Match.hex(value));
            }
        }

        /**
         * The kernel's xmark form.
         *
         * @return the kernel's xmark form
         */
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
        /**
         * Checks the parts; an {@link dev.svcproxy.api.InvalidInputException} names a bad one.
         *
         * @param words the rule's words
         * @param name the name
         */
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

    /**
     * {@code -j CHAIN}.
     *
     * @param chain the chain's name
     * @return the target
     */
    static Target jump(String chain) {
        return new Jump(ChainName.of(chain));
    }

    /**
     * {@code -j DNAT --to-destination IP:PORT}.
     *
     * @param to the new destination
     * @return the target
     */
    static Target dnat(HostPort to) {
        return Dnat.to(to);
    }

    /**
     * {@code -j MASQUERADE [--random-fully]}.
     *
     * @param randomFully whether to pick source ports fully at random
     * @return the target
     */
    static Target masquerade(boolean randomFully) {
        return new Masquerade(randomFully, 0, 0);
    }

    /**
     * {@code -j MARK --or-mark MARK}.
     *
     * @param mark the bits to set
     * @return the target
     */
    static Target orMark(long mark) {
        return new MarkTarget(MarkOp.OR, mark, mark);
    }

    /**
     * {@code -j MARK --xor-mark MARK}.
     *
     * @param mark the bits to flip
     * @return the target
     */
    static Target xorMark(long mark) {
        return new MarkTarget(MarkOp.XOR, mark, 0);
    }

    /**
     * {@code -j REJECT --reject-with TYPE}.
     *
     * @param with the ICMP type, e.g. {@code icmp-port-unreachable}
     * @return the target
     */
    static Target reject(String with) {
        return new Reject(Optional.of(with));
    }
}
