// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One nf_tables expression of a rule, as the kernel holds it (registers and raw bytes). Rules are usually built
 * with {@link Rule.Builder}'s statements, which emit these; a rule listed from the kernel holds them as decoded,
 * and an expression this SDK does not model is kept as {@link Raw}, never dropped.
 */
public sealed interface Expr {

    /**
     * The kernel's name for the expression ({@code payload}, {@code cmp}, ...).
     *
     * @return the kernel's name for the expression ({@code payload}, {@code cmp}, ...)
     */
    String name();

    /** Where a payload field starts. */
    enum Base {
        /** The link-layer header. */
        LINK,
        /** The network header (IPv4 or IPv6). */
        NETWORK,
        /** The transport header (ports). */
        TRANSPORT
    }

    /** {@code payload load LEN @ BASE + OFFSET => reg DREG}. */
    record Payload(int dreg, Base base, int offset, int length) implements Expr {
        public String name() {
            return "payload";
        }
    }

    /** {@code meta load KEY => reg DREG}; {@code key} is the kernel's NFT_META_* number. */
    record Meta(int dreg, int key) implements Expr {
        public String name() {
            return "meta";
        }
    }

    /** {@code meta set KEY with reg SREG}. */
    record MetaSet(int sreg, int key) implements Expr {
        public String name() {
            return "meta";
        }
    }

    /** {@code ct load KEY => reg DREG} (key 0: state). */
    record Ct(int dreg, int key) implements Expr {
        public String name() {
            return "ct";
        }
    }

    /** {@code bitwise reg DREG = (reg SREG & MASK) ^ XOR}. */
    record Bitwise(int sreg, int dreg, byte[] mask, byte[] xor) implements Expr {
        public String name() {
            return "bitwise";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bitwise b && b.sreg == sreg && b.dreg == dreg && java.util.Arrays.equals(b.mask, mask)
                    && java.util.Arrays.equals(b.xor, xor);
        }

        @Override
        public int hashCode() {
            return sreg * 31 + dreg + java.util.Arrays.hashCode(mask) * 7 + java.util.Arrays.hashCode(xor);
        }
    }

    /** Comparison operators, with the kernel's NFT_CMP_* numbers. */
    enum CmpOp {
        /** Equal. */
        EQ,
        /** Not equal. */
        NEQ,
        /** Less than. */
        LT,
        /** Less than or equal. */
        LTE,
        /** Greater than. */
        GT,
        /** Greater than or equal. */
        GTE
    }

    /** {@code cmp OP reg SREG DATA}. */
    record Cmp(int sreg, CmpOp op, byte[] data) implements Expr {
        public String name() {
            return "cmp";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cmp c && c.sreg == sreg && c.op == op && java.util.Arrays.equals(c.data, data);
        }

        @Override
        public int hashCode() {
            return sreg * 31 + op.hashCode() + java.util.Arrays.hashCode(data);
        }
    }

    /**
     * {@code lookup reg SREG set NAME [dreg DREG]}: membership ({@code dreg} empty; {@code invert} for {@code !=}), or
     * a map lookup into {@code dreg} (0: the verdict, a vmap). {@code anonymous} holds the elements of an inline set
     * or map ({@code vmap { 0 : goto a, 1 : goto b }}), which the kernel keeps as a set named {@code __map%d}.
     */
    record Lookup(int sreg, String set, Optional<Integer> dreg, boolean invert, Optional<SetContents> anonymous) implements Expr {
        public String name() {
            return "lookup";
        }
    }

    /** {@code immediate reg DREG VERDICT} (reg 0) or a constant value into a data register. */
    record Immediate(int dreg, Optional<Verdict> verdict, byte[] value) implements Expr {
        public String name() {
            return "immediate";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Immediate i && i.dreg == dreg && i.verdict.equals(verdict) && java.util.Arrays.equals(i.value, value);
        }

        @Override
        public int hashCode() {
            return dreg * 31 + verdict.hashCode() + java.util.Arrays.hashCode(value);
        }
    }

    /** {@code counter packets P bytes B}. */
    record Counter(long packets, long bytes) implements Expr {
        public String name() {
            return "counter";
        }
    }

    /** {@code numgen reg DREG = random|inc mod MODULUS [offset]}. */
    record Numgen(int dreg, int modulus, boolean random, int offset) implements Expr {
        public String name() {
            return "numgen";
        }
    }

    /** {@code nat dnat|snat FAMILY addr_min reg A proto_min reg P flags F} (a register 0 is absent). */
    record Nat(boolean dnat, Family family, int addrReg, int protoReg, int flags) implements Expr {
        public String name() {
            return "nat";
        }
    }

    /** {@code masq flags F} (0x10 fully-random, 0x4 random, 0x8 persistent). */
    record Masquerade(int flags) implements Expr {
        public String name() {
            return "masq";
        }
    }

    /** {@code reject type T code C} (type 0 icmp, 1 tcp reset, 2 icmpx). */
    record Reject(int type, int code) implements Expr {
        public String name() {
            return "reject";
        }
    }

    /** {@code fib daddr|saddr type => reg DREG} ({@code flags}: NFTA_FIB_F_*; {@code result} 3: address type). */
    record Fib(int dreg, int result, int flags) implements Expr {
        public String name() {
            return "fib";
        }
    }

    /** {@code dynset update|add reg_key SREG set NAME [timeout]}. */
    record Dynset(int op, int sreg, String set, Optional<Duration> timeout) implements Expr {
        public String name() {
            return "dynset";
        }
    }

    /** {@code limit rate [over] RATE/UNIT [burst N packets]} ({@code unitSeconds}: 1, 60, 3600, 86400, 604800). */
    record Limit(long rate, long unitSeconds, int burst, boolean over) implements Expr {
        public String name() {
            return "limit";
        }
    }

    /** {@code log [prefix "..."] [level L]} (syslog level; -1: not given, the kernel's warn). */
    record Log(Optional<String> prefix, int level) implements Expr {
        public String name() {
            return "log";
        }
    }

    /** An expression this SDK does not model: its name and its attributes' bytes, kept as the kernel sent them. */
    record Raw(String name, byte[] data) implements Expr {
        @Override
        public boolean equals(Object o) {
            return o instanceof Raw r && r.name.equals(name) && java.util.Arrays.equals(r.data, data);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + java.util.Arrays.hashCode(data);
        }
    }

    /**
     * The registers a list of expressions reads and writes are 32-bit registers 8-23, or the 128-bit 1-4.
     *
     * @param reg a 32-bit register number, 8-23
     * @return the registers a list of expressions reads and writes are 32-bit registers 8-23, or the 128-bit 1-4
     */
    static int reg32(int reg) {
        return reg >= 1 && reg <= 4 ? 8 + (reg - 1) * 4 : reg;
    }

}
