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
 * sets. A flag given on the command line overrides the configuration file's value and is checked exactly like it;
 * an error names the flag ({@code --iptables-masquerade-bit}), not the field.
 */
public final class ProxyFlags {
    /** Flag name (without {@code --}) to the configuration field's path. */
    public static final Map<String, String> FIELDS = fields();
    /** Flags that may be given alone, meaning {@code true} (or as {@code --flag=false}). */
    public static final Set<String> BOOLEAN = Set.of("masquerade-all", "conntrack-tcp-be-liberal", "ipvs-strict-arp",
            "iptables-localhost-nodeports");
    /** Flags whose value is a comma-separated list. */
    private static final Set<String> LISTS = Set.of("nodeport-addresses", "ipvs-exclude-cidrs");

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
        return Map.copyOf(m);
    }

    /**
     * The configuration: {@code file} (or the defaults), then every flag of {@code flags} (name without {@code --}
     * to its text) that {@link #FIELDS} knows; others are ignored here.
     */
    public static ProxyConfig apply(Optional<Path> file, Map<String, String> flags) {
        Map<String, Object> overrides = new LinkedHashMap<>();
        Map<String, String> flagOf = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : flags.entrySet()) {
            String field = FIELDS.get(f.getKey());
            if (field == null) {
                continue;
            }
            overrides.put(field, value(f.getKey(), f.getValue()));
            flagOf.put(ProxyConfigLoader.ROOT + "." + field, "--" + f.getKey());
        }
        try {
            return ProxyConfigLoader.load(file, overrides);
        } catch (InvalidInputException e) {
            String flag = e.object().map(flagOf::get).orElse(null);
            if (flag == null) {
                throw e;
            }
            throw new InvalidInputException(e.getMessage().substring(e.object().get().length() + 2), flag);
        }
    }

    /** The flag's text as the YAML value it stands for: a boolean, an integer, a list, or a string. */
    private static Object value(String flag, String text) {
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
}
