// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables;

import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.nftables.internal.IntervalKeys;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A rule's expressions as {@code nft list} prints them: loads go into registers, and the expression that reads a
 * register (a comparison, a lookup, a NAT, a mark set) prints the statement. What it cannot read back as a statement
 * it prints as the raw expression ({@code [ meta load 17 => reg 1 ]}), so nothing is hidden.
 */
final class RulePrinter {
    private RulePrinter() {
    }

    /**
     * What a register holds: a field or other loaded value, maybe masked, or a constant. {@code length} is how many
     * bytes of the field were loaded (fewer for a prefix match); {@code prefixMask} is an address field's mask when it
     * was masked with no xor.
     */
    private record Src(String text, DataType type, long mask, long xor, boolean masked, byte[] value, int length, byte[] prefixMask) {
        static Src of(String text, DataType type) {
            return new Src(text, type, 0, 0, false, null, type.length(), null);
        }
    }

    private static final String[] CT_STATES = {"invalid", "established", "related", "new", "untracked"};
    private static final int[] CT_BITS = {1, 2, 4, 8, 64};

    static long ctStateBits(List<String> states) {
        long bits = 0;
        for (String s : states) {
            int i = List.of(CT_STATES).indexOf(s);
            if (i < 0) {
                throw new dev.svcproxy.api.InvalidInputException("expected invalid, established, related, new or untracked", "ct state " + s);
            }
            bits |= CT_BITS[i];
        }
        return bits;
    }

    static String print(Rule r) {
        Map<Integer, Src> regs = new LinkedHashMap<>();
        List<Integer> pending = new ArrayList<>(); // registers loaded since the last statement, in order
        List<String> out = new ArrayList<>();
        Family family = r.chain().table().family();
        for (Expr e : r.exprs()) {
            if (e instanceof Expr.Payload || e instanceof Expr.Meta) {
                int reg = Expr.reg32(e instanceof Expr.Payload p ? p.dreg() : ((Expr.Meta) e).dreg());
                Src s = Field.loadedBy(e).map(f -> Src.of(f.text(), f.type()))
                        .or(() -> Field.prefixLoadedBy(e).map(f -> new Src(f.text(), f.type(), 0, 0, false, null,
                                ((Expr.Payload) e).length(), null)))
                        .orElse(Src.of(raw(e), DataType.INTEGER));
                regs.put(reg, s);
                pending.add(reg);
            } else if (e instanceof Expr.Ct c) {
                regs.put(Expr.reg32(c.dreg()), Src.of(c.key() == 0 ? "ct state" : raw(e), DataType.INTEGER));
            } else if (e instanceof Expr.Fib f) {
                boolean type = f.result() == 3 && (f.flags() == 1 || f.flags() == 2);
                regs.put(Expr.reg32(f.dreg()), Src.of(type ? "fib " + (f.flags() == 1 ? "saddr" : "daddr") + " type" : raw(e),
                        DataType.INTEGER));
            } else if (e instanceof Expr.Numgen n) {
                regs.put(Expr.reg32(n.dreg()), Src.of("numgen " + (n.random() ? "random" : "inc") + " mod " + n.modulus()
                        + (n.offset() != 0 ? " offset " + n.offset() : ""), DataType.INTEGER));
                pending.add(Expr.reg32(n.dreg()));
            } else if (e instanceof Expr.Bitwise b) {
                Src in = regs.getOrDefault(Expr.reg32(b.sreg()), Src.of("?", DataType.INTEGER));
                boolean prefix = IntervalKeys.supports(in.type()) && b.xor().length > 0 && allZero(b.xor());
                regs.put(Expr.reg32(b.dreg()), new Src(in.text(), in.type(), host32(b.mask()), host32(b.xor()), true, null,
                        in.length(), prefix ? b.mask() : null));
            } else if (e instanceof Expr.Cmp c) {
                String statement = cmp(regs.getOrDefault(Expr.reg32(c.sreg()), Src.of("?", DataType.INTEGER)), c);
                String last = out.isEmpty() ? "" : out.get(out.size() - 1);
                if (statement.startsWith("th dport ") && last.matches("meta l4proto (tcp|udp|sctp)")) {
                    // nft prints a port with the protocol match it depends on as one statement
                    out.remove(out.size() - 1);
                    statement = last.substring("meta l4proto ".length()) + statement.substring(2);
                }
                out.add(statement);
                pending.clear();
            } else if (e instanceof Expr.Lookup l) {
                out.add(lookup(regs, pending, l));
                pending.clear();
            } else if (e instanceof Expr.Immediate i) {
                if (i.dreg() == 0) {
                    out.add(i.verdict().map(Verdict::toString).orElse(raw(e)));
                } else {
                    regs.put(Expr.reg32(i.dreg()), new Src("", DataType.INTEGER, 0, 0, false, i.value(), i.value().length, null));
                }
            } else if (e instanceof Expr.Nat n) {
                out.add(nat(regs, n));
            } else if (e instanceof Expr.Masquerade m) {
                out.add("masquerade" + ((m.flags() & 0x10) != 0 ? " fully-random" : "") + ((m.flags() & 0x4) != 0 ? " random" : "")
                        + ((m.flags() & 0x8) != 0 ? " persistent" : ""));
            } else if (e instanceof Expr.Counter c) {
                out.add("counter packets " + c.packets() + " bytes " + c.bytes());
            } else if (e instanceof Expr.Reject j) {
                if (j.type() == 1 && !out.isEmpty() && out.get(out.size() - 1).equals("meta l4proto tcp")) {
                    out.remove(out.size() - 1); // nft leaves out the match a tcp reset implies
                }
                out.add(reject(j, family));
            } else if (e instanceof Expr.MetaSet m) {
                out.add(metaSet(regs.getOrDefault(Expr.reg32(m.sreg()), Src.of("?", DataType.INTEGER)), m, e));
            } else if (e instanceof Expr.Limit l) {
                String unit = switch ((int) l.unitSeconds()) {
                    case 1 -> "second";
                    case 60 -> "minute";
                    case 3600 -> "hour";
                    case 86400 -> "day";
                    default -> "week";
                };
                out.add("limit rate " + (l.over() ? "over " : "") + l.rate() + "/" + unit + (l.burst() != 5 && l.burst() != 0
                        ? " burst " + l.burst() + " packets" : ""));
            } else if (e instanceof Expr.Log g) {
                String[] levels = {"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug", "audit"};
                out.add("log" + g.prefix().map(p -> " prefix " + Names.quote(p)).orElse("")
                        + (g.level() >= 0 && g.level() != 4 && g.level() < levels.length ? " level " + levels[g.level()] : ""));
            } else if (e instanceof Expr.Dynset d) {
                String key = pending.stream().map(k -> regs.get(k).text()).collect(Collectors.joining(" . "));
                out.add((d.op() == 1 ? "update" : d.op() == 0 ? "add" : "delete") + " @" + Names.print(d.set()) + " { " + key
                        + d.timeout().map(t -> " timeout " + Durations.print(t)).orElse("") + " }");
                pending.clear();
            } else {
                out.add(raw(e));
            }
        }
        r.comment().ifPresent(c -> out.add("comment " + Names.quote(c)));
        return String.join(" ", out);
    }

    /** The length of the prefix {@code mask} is, or -1 if its ones are not leading. */
    private static int prefixBits(byte[] mask) {
        int bits = 0;
        boolean ended = false;
        for (byte b : mask) {
            for (int i = 7; i >= 0; i--) {
                boolean one = (b >> i & 1) != 0;
                if (one && ended) {
                    return -1;
                }
                ended |= !one;
                bits += one ? 1 : 0;
            }
        }
        return bits;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static long host32(byte[] b) {
        return b.length >= 4 ? ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getInt(0) & 0xffffffffL : 0;
    }

    private static String hex32(long v) {
        return String.format(Locale.ROOT, "0x%08x", v);
    }

    private static String cmp(Src s, Expr.Cmp c) {
        String op = switch (c.op()) {
            case EQ -> "";
            case NEQ -> "!= ";
            case LT -> "< ";
            case LTE -> "<= ";
            case GT -> "> ";
            case GTE -> ">= ";
        };
        long v = host32(c.data());
        if (s.text().equals("ct state") && s.masked() && c.op() == Expr.CmpOp.NEQ && v == 0) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < CT_STATES.length; i++) {
                if ((s.mask() & CT_BITS[i]) != 0) {
                    names.add(CT_STATES[i]);
                }
            }
            return "ct state " + String.join(",", names);
        }
        if (IntervalKeys.supports(s.type()) && (s.length() < s.type().length() || s.prefixMask() != null)) {
            int bits = s.prefixMask() != null ? prefixBits(s.prefixMask()) : s.length() * 8;
            if (bits > 0) {
                return s.text() + " " + op + IpAddress.ofBytes(java.util.Arrays.copyOf(c.data(), s.type().length())) + "/" + bits;
            }
        }
        if (s.text().startsWith("fib ") && s.text().endsWith(" type") && c.op() == Expr.CmpOp.EQ) {
            return s.text() + " " + switch ((int) v) {
                case 1 -> "unicast";
                case 2 -> "local";
                case 3 -> "broadcast";
                case 5 -> "multicast";
                default -> String.valueOf(v);
            };
        }
        if (s.masked() && s.xor() == 0) {
            return s.text() + " & " + hex32(s.mask()) + " " + (op.isEmpty() ? "== " : op) + hex32(v);
        }
        String value;
        try {
            value = s.type().format(c.data());
        } catch (RuntimeException e) {
            value = hex32(v);
        }
        return s.text() + " " + op + value;
    }

    private static String lookup(Map<Integer, Src> regs, List<Integer> pending, Expr.Lookup l) {
        List<Integer> keyRegs = pending.isEmpty() ? List.of(Expr.reg32(l.sreg())) : pending;
        String key = keyRegs.stream().map(k -> regs.getOrDefault(k, Src.of("?", DataType.INTEGER)).text()).collect(Collectors.joining(" . "));
        String target = l.anonymous().map(RulePrinter::inline).orElse("@" + Names.print(l.set()));
        if (l.dreg().isPresent()) {
            return key + (l.dreg().get() == 0 ? " vmap " : " map ") + target;
        }
        return key + (l.invert() ? " != " : " ") + target;
    }

    /** An anonymous set or map as {@code nft} prints it inline: {@code { 0 : goto a, 1 : goto b }}. */
    private static String inline(SetContents s) {
        List<Element> sorted = new ArrayList<>(s.elements());
        sorted.sort(s.set().printOrder());
        return "{ " + sorted.stream().map(Element::toString).collect(Collectors.joining(", ")) + " }";
    }

    private static String nat(Map<Integer, Src> regs, Expr.Nat n) {
        StringBuilder b = new StringBuilder(n.dnat() ? "dnat to " : "snat to ");
        Src addr = regs.get(Expr.reg32(n.addrReg()));
        if (addr != null && addr.value() != null) {
            IpAddress a = IpAddress.ofBytes(java.util.Arrays.copyOf(addr.value(), n.family() == Family.IP6 ? 16 : 4));
            b.append(n.family() == Family.IP6 ? "[" + a + "]" : a.toString());
        }
        Src port = n.protoReg() == 0 ? null : regs.get(Expr.reg32(n.protoReg()));
        if (port != null && port.value() != null) {
            b.append(':').append(ByteBuffer.wrap(port.value()).getShort(0) & 0xffff);
        }
        return b.toString();
    }

    private static String reject(Expr.Reject j, Family family) {
        if (j.type() == 1) {
            return "reject with tcp reset";
        }
        boolean v6 = family == Family.IP6;
        if (j.type() == 0) {
            if (j.code() == (v6 ? 4 : 3)) {
                return "reject";
            }
            String name = v6 ? switch (j.code()) {
                case 0 -> "no-route";
                case 1 -> "admin-prohibited";
                case 3 -> "addr-unreachable";
                default -> String.valueOf(j.code());
            } : switch (j.code()) {
                case 0 -> "net-unreachable";
                case 1 -> "host-unreachable";
                case 2 -> "prot-unreachable";
                case 13 -> "admin-prohibited";
                default -> String.valueOf(j.code());
            };
            return "reject with " + (v6 ? "icmpv6 " : "icmp ") + name;
        }
        return "reject with icmpx " + switch (j.code()) {
            case 0 -> "no-route";
            case 1 -> "port-unreachable";
            case 2 -> "host-unreachable";
            case 3 -> "admin-prohibited";
            default -> String.valueOf(j.code());
        };
    }

    private static String metaSet(Src s, Expr.MetaSet m, Expr e) {
        if (m.key() != 3) {
            return raw(e);
        }
        if (s.value() != null) {
            return "meta mark set " + hex32(host32(s.value()));
        }
        if (s.masked() && s.text().equals("meta mark")) {
            if (s.mask() == (~s.xor() & 0xffffffffL)) {
                return "meta mark set meta mark | " + hex32(s.xor());
            }
            if (s.mask() == 0xffffffffL) {
                return "meta mark set meta mark ^ " + hex32(s.xor());
            }
            if (s.xor() == 0) {
                return "meta mark set meta mark & " + hex32(s.mask());
            }
        }
        return raw(e);
    }

    /** An expression printed as {@code nft --debug=netlink} shows it. */
    static String raw(Expr e) {
        return "[ " + e.name() + " " + (e instanceof Expr.Raw r ? java.util.HexFormat.of().formatHex(r.data()) : e.toString()) + " ]";
    }
}
