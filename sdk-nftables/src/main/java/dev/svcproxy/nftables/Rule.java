// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.nftables.internal.IntervalKeys;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A rule of a chain: its expressions, an optional comment, and, once listed from the kernel, its handle.
 * {@code toString()} is the {@code add rule} command; {@link #statements()} the rule as {@code nft list} prints it.
 */
public record Rule(Chain chain, List<Expr> exprs, Optional<String> comment, Optional<Long> handle) {

    /**
     * A rule; {@code exprs} is copied.
     *
     * @param exprs its expressions, in order
     * @param chain its chain
     * @param comment its comment, if any
     * @param handle its handle, once listed from the kernel
     * @throws dev.svcproxy.api.InvalidInputException for a comment nft refuses
     */
    public Rule {
        exprs = List.copyOf(exprs);
        comment.ifPresent(Names::comment);
    }

    /**
     * A builder of a rule for {@code chain}, statement by statement, in {@code nft}'s order.
     *
     * @param chain the chain
     * @return a builder of a rule for {@code chain}, statement by statement, in {@code nft}'s order
     */
    public static Builder in(Chain chain) {
        return new Builder(chain);
    }

    /**
     * This rule with a kernel handle (for {@code delete} and {@code replace}).
     *
     * @param h the handle
     * @return this rule with a kernel handle (for {@code delete} and {@code replace})
     */
    public Rule withHandle(long h) {
        return new Rule(chain, exprs, comment, Optional.of(h));
    }

    /**
     * The statements as {@code nft list} prints them, comment included.
     *
     * @return the statements as {@code nft list} prints them, comment included
     */
    public String statements() {
        return RulePrinter.print(this);
    }

    @Override
    public String toString() {
        return "rule " + chain.reference() + " " + statements();
    }

    /** Rule statements; each adds the expressions {@code nft} would emit for it. */
    public static final class Builder {
        private final Chain chain;
        private final List<Expr> exprs = new ArrayList<>();
        private Optional<String> comment = Optional.empty();

        private Builder(Chain chain) {
            this.chain = chain;
        }

        /** Loads {@code fields} as one key: the first into register 1, the next ones into the 32-bit registers after it. */
        private int load(Field... fields) {
            int reg32 = 8;
            for (int i = 0; i < fields.length; i++) {
                exprs.add(fields[i].load(i == 0 ? 1 : reg32));
                reg32 += (fields[i].type().length() + 3) / 4;
            }
            return 1;
        }

        /**
         * {@code FIELD VALUE}.
         *
         * @param f the field
         * @param value the value as {@code nft} writes it
         * @return this builder
         */
        public Builder match(Field f, String value) {
            load(f);
            exprs.add(new Expr.Cmp(1, Expr.CmpOp.EQ, f.type().encode(value)));
            return this;
        }

        /**
         * {@code FIELD != VALUE}.
         *
         * @param f the field
         * @param value the value as {@code nft} writes it
         * @return this builder
         */
        public Builder notMatch(Field f, String value) {
            load(f);
            exprs.add(new Expr.Cmp(1, Expr.CmpOp.NEQ, f.type().encode(value)));
            return this;
        }

        /**
         * {@code FIELD PREFIX} for an address field, encoded as {@code nft} encodes it: a shorter load when the prefix
         * ends on a byte boundary, else a mask; a full-length prefix is a plain match.
         *
         * @param f an address field
         * @param prefix the prefix
         * @return this builder
         */
        public Builder match(Field f, Cidr prefix) {
            return prefix(f, prefix, Expr.CmpOp.EQ);
        }

        /**
         * {@code FIELD != PREFIX} for an address field.
         *
         * @param f an address field
         * @param prefix the prefix
         * @return this builder
         */
        public Builder notMatch(Field f, Cidr prefix) {
            return prefix(f, prefix, Expr.CmpOp.NEQ);
        }

        private Builder prefix(Field f, Cidr c, Expr.CmpOp op) {
            DataType t = f.type();
            byte[] net = c.network().bytes();
            if (!IntervalKeys.supports(t) || net.length != t.length()) {
                throw new InvalidInputException("is not a prefix of a " + t + " field", f.text() + " " + c);
            }
            int bits = c.prefixLength();
            if (bits == 0) {
                throw new InvalidInputException("matches every address; leave the match out", f.text() + " " + c);
            }
            if (bits == net.length * 8) {
                load(f);
                exprs.add(new Expr.Cmp(1, op, net));
            } else if (bits % 8 == 0) {
                exprs.add(f.loadPrefix(1, bits / 8));
                exprs.add(new Expr.Cmp(1, op, java.util.Arrays.copyOf(net, bits / 8)));
            } else {
                load(f);
                byte[] mask = new byte[net.length];
                for (int i = 0; i < bits; i++) {
                    mask[i / 8] |= (byte) (0x80 >>> (i % 8));
                }
                exprs.add(new Expr.Bitwise(1, 1, mask, new byte[net.length]));
                exprs.add(new Expr.Cmp(1, op, net));
            }
            return this;
        }

        /**
         * {@code FIELD { V, ... }}: the field is one of the values (for an address field also prefixes and ranges), in an
         * anonymous set. One value is a plain match, as {@code nft} folds it.
         *
         * @param f the field
         * @param values the values as {@code nft} writes them
         * @return this builder
         */
        public Builder inValues(Field f, List<String> values) {
            return values(f, values, false);
        }

        /**
         * {@code FIELD != { V, ... }}.
         *
         * @param f the field
         * @param values the values as {@code nft} writes them
         * @return this builder
         */
        public Builder notInValues(Field f, List<String> values) {
            return values(f, values, true);
        }

        private Builder values(Field f, List<String> values, boolean invert) {
            if (values.isEmpty()) {
                throw new InvalidInputException("needs at least one value", f.text() + " { }");
            }
            boolean addresses = IntervalKeys.supports(f.type());
            if (values.size() == 1) {
                String v = values.get(0);
                if (addresses && (v.contains("/") || v.contains("-"))) {
                    IntervalKeys.Interval i = IntervalKeys.parse(f.type(), v);
                    Cidr c = Cidr.parse(IntervalKeys.format(f.type(), i));
                    return invert ? notMatch(f, c) : match(f, c);
                }
                return invert ? notMatch(f, v) : match(f, v);
            }
            NftSet anon = NftSet.set(chain.table(), "__set%d", f.type()).withFlags(addresses
                    ? new NftSet.Flag[] {NftSet.Flag.CONSTANT, NftSet.Flag.INTERVAL} : new NftSet.Flag[] {NftSet.Flag.CONSTANT});
            List<Element> elements = values.stream().map(Element::of).toList();
            exprs.add(f.load(1));
            exprs.add(new Expr.Lookup(1, anon.name(), Optional.empty(), invert, Optional.of(new SetContents(anon, elements))));
            return this;
        }

        /**
         * {@code tcp dport PORT} (or {@code udp}, {@code sctp}): the protocol match {@code nft} adds, then the port.
         *
         * @param protocol the protocol
         * @param port the port
         * @return this builder
         */
        public Builder dport(Protocol protocol, int port) {
            return match(Field.META_L4PROTO, protocol.lowerName()).match(Field.TH_DPORT, String.valueOf(port));
        }

        /**
         * {@code FIELD . FIELD @set}: the key is in the set.
         *
         * @param set the set
         * @param key the fields that make the key
         * @return this builder
         */
        public Builder inSet(NftSet set, Field... key) {
            return lookup(set, key, false);
        }

        /**
         * {@code FIELD != @set}.
         *
         * @param set the set
         * @param key the fields that make the key
         * @return this builder
         */
        public Builder notInSet(NftSet set, Field... key) {
            return lookup(set, key, true);
        }

        private Builder lookup(NftSet set, Field[] key, boolean invert) {
            checkKey(set, key);
            exprs.add(new Expr.Lookup(load(key), set.name(), Optional.empty(), invert, Optional.empty()));
            return this;
        }

        private static void checkKey(NftSet set, Field[] key) {
            List<DataType> types = java.util.Arrays.stream(key).map(Field::type).toList();
            if (!types.equals(set.key())) {
                throw new InvalidInputException("the key " + types + " does not fit " + set.typeText(), set.reference());
            }
        }

        /**
         * {@code FIELD . FIELD vmap @map}: the verdict the map holds for the key.
         *
         * @param map the verdict map
         * @param key the fields that make the key
         * @return this builder
         */
        public Builder vmap(NftSet map, Field... key) {
            if (map.data().filter(d -> d == DataType.VERDICT).isEmpty()) {
                throw new InvalidInputException("is not a verdict map", map.reference());
            }
            checkKey(map, key);
            exprs.add(new Expr.Lookup(load(key), map.name(), Optional.of(0), false, Optional.empty()));
            return this;
        }

        /**
         * {@code numgen random mod N vmap { 0 : V0, 1 : V1, ... }}: one of the verdicts, at random.
         *
         * @param verdicts one verdict per share, in order
         * @return this builder
         */
        public Builder numgenVmap(List<Verdict> verdicts) {
            if (verdicts.isEmpty()) {
                throw new InvalidInputException("needs at least one verdict", "numgen vmap");
            }
            exprs.add(new Expr.Numgen(1, verdicts.size(), true, 0));
            NftSet anon = NftSet.map(chain.table(), "__map%d", List.of(DataType.INTEGER), DataType.VERDICT)
                    .withFlags(NftSet.Flag.CONSTANT);
            List<Element> elements = new ArrayList<>();
            for (int i = 0; i < verdicts.size(); i++) {
                elements.add(Element.of(List.of(String.valueOf(i)), verdicts.get(i)));
            }
            exprs.add(new Expr.Lookup(1, anon.name(), Optional.of(0), false, Optional.of(new SetContents(anon, elements))));
            return this;
        }

        /**
         * {@code ct state STATE,STATE} (invalid, established, related, new, untracked).
         *
         * @param states the states
         * @return this builder
         */
        public Builder ctState(String... states) {
            exprs.add(new Expr.Ct(1, 0));
            exprs.add(new Expr.Bitwise(1, 1, host32(RulePrinter.ctStateBits(List.of(states))), host32(0)));
            exprs.add(new Expr.Cmp(1, Expr.CmpOp.NEQ, host32(0)));
            return this;
        }

        /**
         * {@code fib daddr type local}: the destination is an address of this host.
         *
         * @return this builder
         */
        public Builder fibDaddrTypeLocal() {
            exprs.add(new Expr.Fib(1, 3, 2));
            exprs.add(new Expr.Cmp(1, Expr.CmpOp.EQ, host32(2)));
            return this;
        }

        /**
         * {@code fib saddr type local}: the source is an address of this host.
         *
         * @return this builder
         */
        public Builder fibSaddrTypeLocal() {
            exprs.add(new Expr.Fib(1, 3, 1));
            exprs.add(new Expr.Cmp(1, Expr.CmpOp.EQ, host32(2)));
            return this;
        }

        /**
         * {@code meta mark & MASK == VALUE}.
         *
         * @param mask the bits compared
         * @param value the bits' value
         * @return this builder
         */
        public Builder markMasked(long mask, long value) {
            exprs.add(Field.META_MARK.load(1));
            exprs.add(new Expr.Bitwise(1, 1, host32(mask), host32(0)));
            exprs.add(new Expr.Cmp(1, Expr.CmpOp.EQ, host32(value)));
            return this;
        }

        /**
         * {@code meta mark set meta mark | BITS}.
         *
         * @param bits the bits to set
         * @return this builder
         */
        public Builder setMarkOr(long bits) {
            return setMark(~bits, bits);
        }

        /**
         * {@code meta mark set meta mark ^ BITS}.
         *
         * @param bits the bits to flip
         * @return this builder
         */
        public Builder setMarkXor(long bits) {
            return setMark(0xffffffffL, bits);
        }

        private Builder setMark(long mask, long xor) {
            exprs.add(Field.META_MARK.load(1));
            exprs.add(new Expr.Bitwise(1, 1, host32(mask), host32(xor)));
            exprs.add(new Expr.MetaSet(1, 3));
            return this;
        }

        /**
         * {@code update @set { FIELD [timeout T] }}: adds the key to a dynamic set or refreshes its timeout.
         *
         * @param set the set
         * @param key the field added as the key
         * @param timeout the timeout
         * @return this builder
         */
        public Builder update(NftSet set, Field key, Optional<Duration> timeout) {
            checkKey(set, new Field[] {key});
            exprs.add(key.load(1));
            exprs.add(new Expr.Dynset(1, 1, set.name(), timeout));
            return this;
        }

        /**
         * {@code dnat to ADDR:PORT} (precede it with a transport protocol match, as {@code nft} requires).
         *
         * @param address the address
         * @param port the port
         * @return this builder
         */
        public Builder dnat(IpAddress address, int port) {
            exprs.add(new Expr.Immediate(1, Optional.empty(), address.bytes()));
            exprs.add(new Expr.Immediate(2, Optional.empty(), ByteBuffer.allocate(2).putShort((short) port).array()));
            exprs.add(new Expr.Nat(true, address.family() == dev.svcproxy.api.net.IpFamily.IPV4 ? Family.IP : Family.IP6, 1, 2, 0x2));
            return this;
        }

        /**
         * {@code masquerade [fully-random]}.
         *
         * @param fullyRandom whether to pick source ports fully at random
         * @return this builder
         */
        public Builder masquerade(boolean fullyRandom) {
            exprs.add(new Expr.Masquerade(fullyRandom ? 0x10 : 0));
            return this;
        }

        /**
         * {@code counter}.
         *
         * @return this builder
         */
        public Builder counter() {
            exprs.add(new Expr.Counter(0, 0));
            return this;
        }

        /**
         * {@code reject}: ICMP port unreachable (ICMPv6 in ip6 tables).
         *
         * @return this builder
         */
        public Builder reject() {
            exprs.add(new Expr.Reject(0, chain.table().family() == Family.IP6 ? 4 : 3));
            return this;
        }

        /**
         * {@code reject with icmp CODE} (e.g. 1, host-unreachable; 13, admin-prohibited).
         *
         * @param code the ICMP code
         * @return this builder
         */
        public Builder rejectIcmp(int code) {
            exprs.add(new Expr.Reject(0, code));
            return this;
        }

        /**
         * {@code reject with tcp reset}.
         *
         * @return this builder
         */
        public Builder rejectTcpReset() {
            exprs.add(new Expr.Reject(1, 0));
            return this;
        }

        /**
         * {@code limit rate [over] RATE/UNIT [burst N packets]}: {@code unit} one of second, minute, hour, day, week.
         *
         * @param rate packets per {@code unit}
         * @param unit {@code second}, {@code minute}, ...
         * @param burst packets allowed above the rate at once
         * @param over whether the rule matches above the rate instead of below
         * @return this builder
         */
        public Builder limit(long rate, String unit, int burst, boolean over) {
            long seconds = switch (unit) {
                case "second" -> 1;
                case "minute" -> 60;
                case "hour" -> 3600;
                case "day" -> 86400;
                case "week" -> 604800;
                default -> throw new InvalidInputException("expected second, minute, hour, day or week", "limit unit " + unit);
            };
            exprs.add(new Expr.Limit(rate, seconds, burst, over));
            return this;
        }

        /**
         * {@code log prefix "PREFIX"} (the kernel's default level, warn).
         *
         * @param prefix the log prefix
         * @return this builder
         */
        public Builder log(String prefix) {
            exprs.add(new Expr.Log(Optional.of(Names.comment(prefix)), -1));
            return this;
        }

        /**
         * A verdict statement: {@code accept}, {@code drop}, {@code jump X}, {@code goto X}, {@code return}.
         *
         * @param v the verdict
         * @return this builder
         */
        public Builder verdict(Verdict v) {
            exprs.add(new Expr.Immediate(0, Optional.of(v), new byte[0]));
            return this;
        }

        /**
         * Any expression, for what the statements above do not cover.
         *
         * @param e the expression
         * @return this builder
         */
        public Builder expr(Expr e) {
            exprs.add(e);
            return this;
        }

        /**
         * The rule's comment.
         *
         * @param text the comment
         * @return this builder
         */
        public Builder comment(String text) {
            comment = Optional.of(text);
            return this;
        }

        /**
         * The rule (without a handle).
         *
         * @return a new rule
         */
        public Rule build() {
            return new Rule(chain, exprs, comment, Optional.empty());
        }

        private static byte[] host32(long v) {
            return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt((int) v).array();
        }
    }
}
