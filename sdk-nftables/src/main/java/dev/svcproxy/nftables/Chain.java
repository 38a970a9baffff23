// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables;

import dev.svcproxy.api.InvalidInputException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A chain of a table: a regular chain (reached by jump or goto), or a base chain ({@link Hook}: type, hook,
 * priority, policy). {@code toString()} is the {@code add chain} command.
 */
public record Chain(Table table, String name, Optional<Hook> hook, Optional<String> comment) {

    /**
     * A chain.
     *
     * @param name its name
     * @param table its table
     * @param hook where a base chain is attached; empty for a regular chain
     * @param comment its comment, if any
     * @throws dev.svcproxy.api.InvalidInputException for a bad name or comment
     */
    public Chain {
        Names.check(name, "chain");
        comment.ifPresent(Names::comment);
    }

    /**
     * A regular chain.
     *
     * @param table the table
     * @param name the name
     * @return a regular chain
     */
    public static Chain of(Table table, String name) {
        return new Chain(table, name, Optional.empty(), Optional.empty());
    }

    /**
     * A base chain.
     *
     * @param table the table
     * @param name the name
     * @param hook the hook
     * @return a base chain
     */
    public static Chain base(Table table, String name, Hook hook) {
        return new Chain(table, name, Optional.of(hook), Optional.empty());
    }

    /**
     * This chain with a comment.
     *
     * @param text the comment
     * @return a new chain
     */
    public Chain withComment(String text) {
        return new Chain(table, name, hook, Optional.of(text));
    }

    /**
     * {@code ip TABLE NAME}.
     *
     * @return {@code ip TABLE NAME}
     */
    public String reference() {
        return table.reference() + " " + Names.print(name);
    }

    /** The inside of the chain's braces, one statement per element: {@code comment "..."}, the hook line. */
    List<String> declaration() {
        List<String> lines = new java.util.ArrayList<>();
        comment.ifPresent(c -> lines.add("comment " + Names.quote(c)));
        hook.ifPresent(h -> lines.add(h.toString()));
        return lines;
    }

    @Override
    public String toString() {
        List<String> d = declaration();
        return "chain " + reference() + (d.isEmpty() ? "" : " { " + String.join(" ", d.stream().map(l -> l.endsWith(";") ? l : l + ";").toList()) + " }");
    }

    /** Base chain types. */
    public enum Type {
        /** {@code type filter}: accept or drop. */
        FILTER,
        /** {@code type nat}: address translation. */
        NAT,
        /** {@code type route}: rerouting after a mark change (output hook). */
        ROUTE;

        /**
         * How {@code nft} spells it.
         *
         * @return the keyword
         */
        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Netfilter hooks, with the kernel's numbers (NF_INET_*). */
    public enum HookPoint {
        /** {@code prerouting} (0): arriving packets, before routing. */
        PREROUTING,
        /** {@code input} (1): packets for this host. */
        INPUT,
        /** {@code forward} (2): packets routed through. */
        FORWARD,
        /** {@code output} (3): packets this host sends. */
        OUTPUT,
        /** {@code postrouting} (4): leaving packets, after routing. */
        POSTROUTING;

        /**
         * How {@code nft} spells it.
         *
         * @return the keyword
         */
        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * The kernel's hook number ({@code NF_INET_*}).
         *
         * @return the number
         */
        public int number() {
            return ordinal();
        }
    }

    /**
     * Where and how a base chain is attached: {@code type nat hook prerouting priority dstnat; policy accept;}.
     * {@link #priority(String, HookPoint)} reads {@code nft}'s names ({@code raw}, {@code mangle}, {@code dstnat},
     * {@code filter}, {@code security}, {@code srcnat}) with an offset ({@code dstnat - 10}) or a number.
     */
    public record Hook(Type type, HookPoint point, int priority, Verdict.Kind policy) {

        /**
         * A hook.
         *
         * @param type the chain type
         * @param point the hook
         * @param priority the priority number
         * @param policy ACCEPT or DROP
         * @throws dev.svcproxy.api.InvalidInputException for another policy
         */
        public Hook {
            if (policy != Verdict.Kind.ACCEPT && policy != Verdict.Kind.DROP) {
                throw new InvalidInputException("a base chain's policy is accept or drop", "policy " + policy);
            }
        }

        /**
         * A hook with policy accept.
         *
         * @param type the chain type
         * @param point the hook
         * @param priority a number or {@code nft}'s name, with an offset (e.g. {@code dstnat - 10})
         * @return the hook
         */
        public static Hook of(Type type, HookPoint point, String priority) {
            return new Hook(type, point, priority(priority, point), Verdict.Kind.ACCEPT);
        }

        /**
         * This hook with another policy.
         *
         * @param p ACCEPT or DROP
         * @return a new hook
         */
        public Hook withPolicy(Verdict.Kind p) {
            return new Hook(type, point, priority, p);
        }

        private record Named(String name, int value, HookPoint onlyAt) {
        }

        /** nft's standard priorities for ip, ip6 and inet (dstnat only at prerouting, srcnat only at postrouting). */
        private static final List<Named> STANDARD = List.of(new Named("raw", -300, null), new Named("mangle", -150, null),
                new Named("dstnat", -100, HookPoint.PREROUTING), new Named("filter", 0, null), new Named("security", 50, null),
                new Named("srcnat", 100, HookPoint.POSTROUTING));

        /**
         * A priority given as a number, a standard name, or a name with an offset ({@code dstnat - 10}).
         *
         * @param text the text to parse
         * @param at the hook it is for (dstnat and srcnat are hook-specific)
         * @return a priority given as a number, a standard name, or a name with an offset ({@code dstnat - 10})
         */
        public static int priority(String text, HookPoint at) {
            String t = text.replace(" ", "");
            try {
                return Integer.parseInt(t);
            } catch (NumberFormatException notANumber) {
                for (Named n : STANDARD) {
                    if (t.startsWith(n.name())) {
                        String rest = t.substring(n.name().length());
                        try {
                            return n.value() + (rest.isEmpty() ? 0 : Integer.parseInt(rest.startsWith("+") ? rest.substring(1) : rest));
                        } catch (NumberFormatException e) {
                            break;
                        }
                    }
                }
                throw new InvalidInputException("expected a number or a standard priority such as dstnat - 10", "priority " + text);
            }
        }

        /**
         * The priority as {@code nft list} prints it: a name within 10 of a standard value valid here, else a number.
         *
         * @return the priority as {@code nft list} prints it
         */
        public String printedPriority() {
            for (Named n : STANDARD) {
                int off = priority - n.value();
                if ((n.onlyAt() == null || n.onlyAt() == point) && Math.abs(off) <= 10) {
                    return off == 0 ? n.name() : n.name() + (off > 0 ? " + " : " - ") + Math.abs(off);
                }
            }
            return String.valueOf(priority);
        }

        @Override
        public String toString() {
            return "type " + type.keyword() + " hook " + point.keyword() + " priority " + printedPriority() + "; policy "
                    + policy.name().toLowerCase(Locale.ROOT) + ";";
        }
    }
}
