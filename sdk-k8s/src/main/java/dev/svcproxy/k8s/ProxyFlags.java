// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import dev.svcproxy.api.InvalidInputException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * kube-proxy's command-line flags that stand for a {@code KubeProxyConfiguration} field, each mapped to the field it
 * sets, combined with {@code --config} as kube-proxy combines them ({@code cmd/kube-proxy/app/options.go}):
 * <ul>
 *   <li>without {@code --config}, the flags set their fields over kube-proxy's defaults;</li>
 *   <li>with {@code --config}, the file is the configuration and these flags are ignored ({@link #ignoredWithConfigFile}
 *   names them so the caller can say so), except {@code --hostname-override} (trimmed and lower-cased; blank is an
 *   error) and the logging flag {@code -v}, which override the file.</li>
 * </ul>
 * A flag's value is checked exactly like the field's; an error names the flag ({@code --iptables-masquerade-bit}),
 * not the field.
 */
public final class ProxyFlags {
    /** Flag name (without {@code --}) to the configuration field's path. */
    public static final Map<String, String> FIELDS = fields();
    /** Flags that may be given alone, meaning {@code true} (or as {@code --flag=false}). */
    public static final Set<String> BOOLEAN = Set.of("masquerade-all", "conntrack-tcp-be-liberal", "ipvs-strict-arp",
            "iptables-localhost-nodeports", "bind-address-hard-fail");
    /** Flags whose value is a comma-separated list. */
    private static final Set<String> LISTS = Set.of("nodeport-addresses", "ipvs-exclude-cidrs");
    /** Flags that apply on top of {@code --config} too. */
    private static final Set<String> OVER_CONFIG_FILE = Set.of("hostname-override", "v");

    private ProxyFlags() {
    }

    private static Map<String, String> fields() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("proxy-mode", "mode");
        m.put("hostname-override", "hostnameOverride");
        m.put("cluster-cidr", "clusterCIDR");
        m.put("bind-address", "bindAddress");
        m.put("healthz-bind-address", "healthzBindAddress");
        m.put("metrics-bind-address", "metricsBindAddress");
        m.put("nodeport-addresses", "nodePortAddresses");
        m.put("detect-local-mode", "detectLocalMode");
        m.put("pod-bridge-interface", "detectLocal.bridgeInterface");
        m.put("pod-interface-name-prefix", "detectLocal.interfaceNamePrefix");
        m.put("config-sync-period", "configSyncPeriod");
        m.put("masquerade-all", "iptables.masqueradeAll");
        m.put("iptables-masquerade-bit", "iptables.masqueradeBit");
        m.put("iptables-localhost-nodeports", "iptables.localhostNodePorts");
        m.put("iptables-sync-period", "iptables.syncPeriod");
        m.put("iptables-min-sync-period", "iptables.minSyncPeriod");
        m.put("ipvs-scheduler", "ipvs.scheduler");
        m.put("ipvs-sync-period", "ipvs.syncPeriod");
        m.put("ipvs-min-sync-period", "ipvs.minSyncPeriod");
        m.put("ipvs-exclude-cidrs", "ipvs.excludeCIDRs");
        m.put("ipvs-strict-arp", "ipvs.strictARP");
        m.put("ipvs-tcp-timeout", "ipvs.tcpTimeout");
        m.put("ipvs-tcpfin-timeout", "ipvs.tcpFinTimeout");
        m.put("ipvs-udp-timeout", "ipvs.udpTimeout");
        m.put("conntrack-max-per-core", "conntrack.maxPerCore");
        m.put("conntrack-min", "conntrack.min");
        m.put("conntrack-tcp-timeout-established", "conntrack.tcpEstablishedTimeout");
        m.put("conntrack-tcp-timeout-close-wait", "conntrack.tcpCloseWaitTimeout");
        m.put("conntrack-tcp-be-liberal", "conntrack.tcpBeLiberal");
        m.put("conntrack-udp-timeout", "conntrack.udpTimeout");
        m.put("conntrack-udp-timeout-stream", "conntrack.udpStreamTimeout");
        m.put("kubeconfig", "clientConnection.kubeconfig");
        m.put("kube-api-qps", "clientConnection.qps");
        m.put("kube-api-burst", "clientConnection.burst");
        m.put("kube-api-content-type", "clientConnection.contentType");
        m.put("oom-score-adj", "oomScoreAdj");
        m.put("bind-address-hard-fail", "bindAddressHardFail");
        m.put("feature-gates", "featureGates");
        m.put("v", "logging.verbosity");
        return Map.copyOf(m);
    }

    /**
     * The configuration: {@code file} with {@code --hostname-override} and {@code -v} of {@code flags} over it, or
     * without a file, kube-proxy's defaults with every flag of {@code flags} (name without {@code --} to its text)
     * that {@link #FIELDS} knows; other names are left to the caller.
     *
     * @param file the configuration file, if given
     * @param flags kube-proxy's flags, by name without dashes
     * @return the configuration
     */
    public static ProxyConfig apply(Optional<Path> file, Map<String, String> flags) {
        Map<String, Object> overrides = new LinkedHashMap<>();
        Map<String, String> flagOf = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : flags.entrySet()) {
            String field = FIELDS.get(f.getKey());
            if (field == null || file.isPresent() && !OVER_CONFIG_FILE.contains(f.getKey())) {
                continue;
            }
            overrides.put(field, value(f.getKey(), f.getValue()));
            flagOf.put(ProxyConfigLoader.ROOT + "." + field, "--" + f.getKey());
        }
        String hostname = flags.get("hostname-override");
        if (hostname != null && !hostname.isEmpty() && hostname.isBlank()) {
            throw new InvalidInputException("a blank name is invalid", "--hostname-override");
        }
        if (hostname != null && hostname.isEmpty()) {
            overrides.remove("hostnameOverride"); // kube-proxy: an empty flag is no flag
        }
        try {
            return ProxyConfigLoader.load(file, overrides);
        } catch (InvalidInputException e) {
            String flag = e.object().map(o -> flagOf.getOrDefault(o, flagOf.get(o.replaceAll("\\.[^.]+$", "")))).orElse(null);
            if (flag == null) {
                throw e;
            }
            throw new InvalidInputException(e.getMessage().substring(e.object().get().length() + 2), flag);
        }
    }

    /**
     * The flags of {@code flags} that a configuration file makes kube-proxy ignore (all of {@link #FIELDS} but two).
     *
     * @param flags kube-proxy's flags, by name without dashes
     * @return the flags of {@code flags} that a configuration file makes kube-proxy ignore (all of {@link #FIELDS} but two)
     */
    public static List<String> ignoredWithConfigFile(Map<String, String> flags) {
        return flags.keySet().stream().filter(f -> FIELDS.containsKey(f) && !OVER_CONFIG_FILE.contains(f)).map(f -> "--" + f).toList();
    }

    /** The flag's text as the YAML value it stands for: a boolean, an integer, a list, or a string. */
    private static Object value(String flag, String text) {
        if (flag.equals("feature-gates")) {
            return featureGates(text);
        }
        if (flag.equals("hostname-override")) {
            return text.strip().toLowerCase(java.util.Locale.ROOT);
        }
        if (flag.equals("kube-api-qps") && text.matches("-?\\d+(\\.\\d+)?")) {
            return Double.parseDouble(text);
        }
        if (LISTS.contains(flag)) {
            return text.isBlank() ? List.of() : List.of(text.split("\\s*,\\s*"));
        }
        if (BOOLEAN.contains(flag) && (text.equals("true") || text.equals("false"))) {
            return Boolean.parseBoolean(text);
        }
        if (text.matches("-?\\d{1,18}")) {
            return Long.parseLong(text);
        }
        return text;
    }

    /** {@code --feature-gates A=true,B=false} as the {@code featureGates} map. */
    private static Map<String, Boolean> featureGates(String text) {
        Map<String, Boolean> gates = new java.util.TreeMap<>();
        for (String pair : text.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            String[] kv = pair.strip().split("=", 2);
            if (kv.length != 2 || !kv[0].matches("[A-Za-z0-9]+") || !(kv[1].strip().equals("true") || kv[1].strip().equals("false"))) {
                throw new InvalidInputException("expected Name=true|false pairs separated by commas, found '" + pair.strip() + "'",
                        "--feature-gates");
            }
            gates.put(kv[0], Boolean.parseBoolean(kv[1].strip()));
        }
        return gates;
    }
}
