// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.internal;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.HostPort;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.net.Protocol;
import dev.svcproxy.iptables.ChainName;
import dev.svcproxy.iptables.Match;
import dev.svcproxy.iptables.Match.Direction;
import dev.svcproxy.iptables.Rule;
import dev.svcproxy.iptables.Target;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the words of one rule (after {@code -A CHAIN}) into the typed model: the inverse of rendering. Modules and
 * targets it does not model are kept as {@link Match.Other} / {@link Target.Other}, so foreign rules survive.
 */
public final class RuleParser {
    private static final Set<String> CORE = Set.of("-s", "--source", "-d", "--destination", "-i", "--in-interface",
            "-o", "--out-interface", "-p", "--protocol", "-m", "--match", "-j", "--jump", "-g", "--goto");
    /** Number of arguments of each modelled module option. */
    private static final Map<String, Integer> ARITY = Map.ofEntries(
            Map.entry("tcp --sport", 1), Map.entry("tcp --dport", 1), Map.entry("udp --sport", 1),
            Map.entry("udp --dport", 1), Map.entry("sctp --sport", 1), Map.entry("sctp --dport", 1),
            Map.entry("multiport --dports", 1), Map.entry("multiport --sports", 1),
            Map.entry("comment --comment", 1), Map.entry("mark --mark", 1), Map.entry("conntrack --ctstate", 1),
            Map.entry("addrtype --src-type", 1), Map.entry("addrtype --dst-type", 1),
            Map.entry("statistic --mode", 1), Map.entry("statistic --probability", 1),
            Map.entry("statistic --every", 1), Map.entry("statistic --packet", 1),
            Map.entry("recent --name", 1), Map.entry("recent --set", 0), Map.entry("recent --rcheck", 0),
            Map.entry("recent --update", 0), Map.entry("recent --remove", 0), Map.entry("recent --seconds", 1),
            Map.entry("recent --reap", 0), Map.entry("recent --rsource", 0), Map.entry("recent --rdest", 0),
            Map.entry("recent --mask", 1), Map.entry("set --match-set", 2), Map.entry("nfacct --nfacct-name", 1),
            Map.entry("physdev --physdev-in", 1), Map.entry("physdev --physdev-out", 1),
            Map.entry("physdev --physdev-is-in", 0), Map.entry("physdev --physdev-is-out", 0),
            Map.entry("physdev --physdev-is-bridged", 0));

    private record Opt(String name, boolean negated, List<String> args) {
    }

    private RuleParser() {
    }

    /** Parses a rule's words; {@code InvalidInputException} names the rule on error. */
    public static Rule parse(ChainName chain, List<String> words) {
        try {
            return parseWords(chain, words);
        } catch (InvalidInputException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new InvalidInputException("cannot parse rule: " + e.getMessage(), "-A " + chain + " "
                    + String.join(" ", words), e);
        }
    }

    private static Rule parseWords(ChainName chain, List<String> w) {
        List<Match> matches = new ArrayList<>();
        Optional<Target> target = Optional.empty();
        boolean neg = false;
        int i = 0;
        while (i < w.size()) {
            String t = w.get(i++);
            switch (t) {
                case "!" -> {
                    neg = true;
                    continue;
                }
                case "-s", "--source" -> matches.add(new Match.Address(Direction.SOURCE, Cidr.parse(w.get(i++)), neg));
                case "-d", "--destination" -> matches.add(new Match.Address(Direction.DESTINATION, Cidr.parse(w.get(i++)), neg));
                case "-i", "--in-interface" -> matches.add(new Match.Interface(Direction.SOURCE, w.get(i++), neg));
                case "-o", "--out-interface" -> matches.add(new Match.Interface(Direction.DESTINATION, w.get(i++), neg));
                case "-p", "--protocol" -> {
                    Protocol p = Protocol.parse(w.get(i++));
                    int last = matches.size() - 1;
                    if (!neg && last >= 0 && matches.get(last).equals(new Match.ProtoModule(p))) {
                        matches.set(last, new Match.Proto(p, false, true)); // kube-proxy's "-m tcp -p tcp"
                    } else {
                        matches.add(new Match.Proto(p, neg, false));
                    }
                }
                case "--sport", "--source-port", "--dport", "--destination-port" -> matches.add(new Match.Ports(
                        t.startsWith("--s") ? Direction.SOURCE : Direction.DESTINATION,
                        Match.PortRange.parse(w.get(i++)), neg));
                case "-m", "--match" -> {
                    String module = w.get(i++);
                    int end = i;
                    while (end < w.size() && !CORE.contains(w.get(end))
                            && !(w.get(end).equals("!") && end + 1 < w.size() && CORE.contains(w.get(end + 1)))) {
                        end++;
                    }
                    matches.addAll(module(module, w.subList(i, end)));
                    i = end;
                }
                case "-j", "--jump" -> {
                    target = Optional.of(target(w.get(i), w.subList(i + 1, w.size())));
                    i = w.size();
                }
                case "-g", "--goto" -> {
                    target = Optional.of(new Target.Goto(ChainName.of(w.get(i++))));
                }
                default -> throw new IllegalArgumentException("unexpected word '" + t + "'");
            }
            neg = false;
        }
        return new Rule(chain, matches, target);
    }

    private static List<Match> module(String module, List<String> words) {
        List<Opt> opts = options(module, words);
        if (opts == null) {
            return List.of(new Match.Other(module, words));
        }
        switch (module) {
            case "tcp", "udp", "sctp" -> {
                List<Match> out = new ArrayList<>();
                out.add(new Match.ProtoModule(Protocol.parse(module)));
                for (Opt o : opts) {
                    out.add(new Match.Ports(o.name.equals("--sport") ? Direction.SOURCE : Direction.DESTINATION,
                            Match.PortRange.parse(o.args.get(0)), o.negated));
                }
                return out;
            }
            case "multiport" -> {
                Opt o = single(opts, module);
                return List.of(new Match.Multiport(o.name.equals("--sports") ? Direction.SOURCE : Direction.DESTINATION,
                        java.util.Arrays.stream(o.args.get(0).split(",")).map(Match.PortRange::parse).toList(), o.negated));
            }
            case "comment" -> {
                return List.of(new Match.Comment(single(opts, module).args.get(0)));
            }
            case "mark" -> {
                Opt o = single(opts, module);
                String[] vm = o.args.get(0).split("/");
                return List.of(new Match.Mark(number(vm[0]), vm.length > 1 ? number(vm[1]) : 0xffffffffL, o.negated));
            }
            case "conntrack" -> {
                Opt o = single(opts, module);
                EnumSet<Match.CtState> s = EnumSet.noneOf(Match.CtState.class);
                for (String st : o.args.get(0).split(",")) {
                    s.add(Match.CtState.valueOf(st));
                }
                return List.of(new Match.Conntrack(s, o.negated));
            }
            case "addrtype" -> {
                Optional<Match.AddrType> src = Optional.empty();
                Optional<Match.AddrType> dst = Optional.empty();
                boolean srcNeg = false;
                boolean dstNeg = false;
                for (Opt o : opts) {
                    if (o.name.equals("--src-type")) {
                        src = Optional.of(Match.AddrType.valueOf(o.args.get(0)));
                        srcNeg = o.negated;
                    } else {
                        dst = Optional.of(Match.AddrType.valueOf(o.args.get(0)));
                        dstNeg = o.negated;
                    }
                }
                return List.of(new Match.AddrTypes(src, srcNeg, dst, dstNeg));
            }
            case "statistic" -> {
                String mode = value(opts, "--mode");
                if ("random".equals(mode)) {
                    return List.of(new Match.Statistic(value(opts, "--probability"), 0, 0));
                }
                String packet = value(opts, "--packet");
                return List.of(new Match.Statistic(null, Integer.parseInt(value(opts, "--every")),
                        packet == null ? 0 : Integer.parseInt(packet)));
            }
            case "recent" -> {
                String name = Optional.ofNullable(value(opts, "--name")).orElse("DEFAULT");
                Match.RecentAction action = null;
                int seconds = 0;
                boolean reap = false;
                boolean rdest = false;
                for (Opt o : opts) {
                    switch (o.name) {
                        case "--set", "--rcheck", "--update", "--remove" ->
                                action = Match.RecentAction.valueOf(o.name.substring(2).toUpperCase(Locale.ROOT));
                        case "--seconds" -> seconds = Integer.parseInt(o.args.get(0));
                        case "--reap" -> reap = true;
                        case "--rdest" -> rdest = true;
                        case "--mask" -> {
                            if (!isAllOnes(o.args.get(0))) {
                                return List.of(new Match.Other(module, words));
                            }
                        }
                        default -> {
                        }
                    }
                }
                if (action == null) {
                    throw new IllegalArgumentException("recent without --set/--rcheck/--update/--remove");
                }
                return List.of(new Match.Recent(name, action, seconds, reap, rdest));
            }
            case "set" -> {
                Opt o = single(opts, module);
                return List.of(new Match.SetMatch(o.args.get(0), java.util.Arrays.stream(o.args.get(1).split(","))
                        .map(f -> f.equals("src") ? Direction.SOURCE : Direction.DESTINATION).toList(), o.negated));
            }
            case "nfacct" -> {
                return List.of(new Match.Nfacct(single(opts, module).args.get(0)));
            }
            case "physdev" -> {
                return List.of(new Match.Physdev(opts.stream().map(o -> new Match.PhysdevOption(o.name.substring(2),
                        o.args.isEmpty() ? Optional.empty() : Optional.of(o.args.get(0)), o.negated)).toList()));
            }
            default -> {
                return List.of(new Match.Other(module, words));
            }
        }
    }

    /** The module's options, or null if one of them is not modelled (then the module is kept as words). */
    private static List<Opt> options(String module, List<String> words) {
        List<Opt> out = new ArrayList<>();
        boolean neg = false;
        for (int i = 0; i < words.size(); ) {
            String o = words.get(i++);
            if (o.equals("!")) {
                neg = true;
                continue;
            }
            Integer n = ARITY.get(module + " " + o.replace("--source-port", "--sport").replace("--destination-port", "--dport"));
            if (n == null || i + n > words.size()) {
                return null;
            }
            String name = o.equals("--source-port") ? "--sport" : o.equals("--destination-port") ? "--dport" : o;
            out.add(new Opt(name, neg, List.copyOf(words.subList(i, i + n))));
            i += n;
            neg = false;
        }
        return out;
    }

    private static Opt single(List<Opt> opts, String module) {
        if (opts.size() != 1) {
            throw new IllegalArgumentException("-m " + module + " expects one option");
        }
        return opts.get(0);
    }

    private static String value(List<Opt> opts, String name) {
        return opts.stream().filter(o -> o.name.equals(name)).map(o -> o.args.get(0)).findFirst().orElse(null);
    }

    private static boolean isAllOnes(String mask) {
        byte[] b = IpAddress.parse(mask).bytes();
        for (byte x : b) {
            if (x != (byte) 0xff) {
                return false;
            }
        }
        return true;
    }

    private static long number(String s) {
        return s.startsWith("0x") || s.startsWith("0X") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
    }

    private static Target target(String name, List<String> args) {
        Map<String, String> kv = new java.util.LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            boolean flag = i + 1 >= args.size() || args.get(i + 1).startsWith("--");
            kv.put(a, flag ? "" : args.get(++i));
        }
        switch (name) {
            case "ACCEPT", "DROP", "RETURN" -> {
                if (args.isEmpty()) {
                    return Target.Verdict.valueOf(name);
                }
            }
            case "REJECT" -> {
                if (kv.keySet().stream().allMatch("--reject-with"::equals)) {
                    return new Target.Reject(Optional.ofNullable(kv.get("--reject-with")));
                }
            }
            case "DNAT" -> {
                if (kv.size() == 1 && kv.containsKey("--to-destination")) {
                    String to = kv.get("--to-destination");
                    return to.matches(".*(\\]:|\\.[0-9]+:)[0-9]+") ? Target.Dnat.to(HostPort.parse(to))
                            : new Target.Dnat(IpAddress.parse(to.replace("[", "").replace("]", "")), 0);
                }
            }
            case "SNAT" -> {
                if (kv.containsKey("--to-source") && kv.keySet().stream().allMatch(k -> k.equals("--to-source")
                        || k.equals("--random-fully"))) {
                    String to = kv.get("--to-source");
                    boolean rf = kv.containsKey("--random-fully");
                    int colon = to.lastIndexOf(':');
                    if (to.startsWith("[") || (colon > 0 && to.indexOf(':') == colon)) {
                        String host = to.substring(0, colon).replace("[", "").replace("]", "");
                        String[] pr = to.substring(colon + 1).split("-");
                        return new Target.Snat(IpAddress.parse(host), Integer.parseInt(pr[0]),
                                Integer.parseInt(pr[pr.length - 1]), rf);
                    }
                    return new Target.Snat(IpAddress.parse(to), 0, 0, rf);
                }
            }
            case "MASQUERADE" -> {
                if (kv.keySet().stream().allMatch(k -> k.equals("--to-ports") || k.equals("--random-fully"))) {
                    String ports = kv.get("--to-ports");
                    int from = 0;
                    int to = 0;
                    if (ports != null) {
                        String[] pr = ports.split("-");
                        from = Integer.parseInt(pr[0]);
                        to = Integer.parseInt(pr[pr.length - 1]);
                    }
                    return new Target.Masquerade(kv.containsKey("--random-fully"), from, to);
                }
            }
            case "MARK" -> {
                if (kv.size() == 1) {
                    Map.Entry<String, String> e = kv.entrySet().iterator().next();
                    String[] vm = e.getValue().split("/");
                    long v = number(vm[0]);
                    switch (e.getKey()) {
                        case "--set-xmark" -> {
                            return new Target.MarkTarget(Target.MarkOp.SET_XMARK, v, vm.length > 1 ? number(vm[1]) : 0xffffffffL);
                        }
                        case "--set-mark" -> {
                            return new Target.MarkTarget(Target.MarkOp.SET, v, vm.length > 1 ? number(vm[1]) : 0xffffffffL);
                        }
                        case "--or-mark" -> {
                            return new Target.MarkTarget(Target.MarkOp.OR, v, v);
                        }
                        case "--xor-mark" -> {
                            return new Target.MarkTarget(Target.MarkOp.XOR, v, 0);
                        }
                        case "--and-mark" -> {
                            return new Target.MarkTarget(Target.MarkOp.AND, v, 0);
                        }
                        default -> {
                        }
                    }
                }
            }
            default -> {
                if (args.isEmpty()) {
                    try {
                        return new Target.Jump(ChainName.of(name));
                    } catch (InvalidInputException e) {
                        return new Target.Other(name, args);
                    }
                }
            }
        }
        return new Target.Other(name, args);
    }
}
