// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.HostPort;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.k8s.internal.ConfigFields;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads kube-proxy's own configuration file ({@code kind: KubeProxyConfiguration},
 * {@code apiVersion: kubeproxy.config.k8s.io/v1alpha1}). Unknown fields and values of the wrong type or range are
 * refused with an {@link InvalidInputException} naming the field, e.g. {@code KubeProxyConfiguration.iptables.masqueradeBit}.
 */
public final class ProxyConfigLoader {
    static final String API_VERSION = "kubeproxy.config.k8s.io/v1alpha1";
    static final String ROOT = "KubeProxyConfiguration";
    /** kube-proxy's list ({@code validateIPVSSchedulerMethod}) plus {@code mh}, which its code handles. */
    private static final java.util.Set<String> IPVS_SCHEDULERS = java.util.Set.of("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "sh",
            "dh", "sed", "nq", "mh");

    private ProxyConfigLoader() {
    }

    /**
     * Reads and checks a {@code KubeProxyConfiguration} file, kube-proxy's defaults for what it leaves out.
     *
     * @param file the YAML or JSON file
     * @return the configuration
     * @throws dev.svcproxy.api.InvalidInputException naming the file, or the unknown or invalid field
     */
    public static ProxyConfig load(Path file) {
        return load(Optional.of(file), Map.of());
    }

    /**
     * {@code file} (or an empty configuration) with {@code overrides} (field path such as {@code
     * iptables.masqueradeBit} to a YAML value) set before it is checked.
     */
    static ProxyConfig load(Optional<Path> file, Map<String, Object> overrides) {
        String yaml = "";
        if (file.isPresent()) {
            try {
                yaml = Files.readString(file.get());
            } catch (IOException e) {
                throw new InvalidInputException("cannot read the configuration: " + e.getMessage(), file.get().toString());
            }
        }
        return parse(yaml, overrides);
    }

    /**
     * As {@link #load(Path)}, from text.
     *
     * @param yaml the {@code KubeProxyConfiguration} as YAML or JSON
     * @return the configuration
     * @throws dev.svcproxy.api.InvalidInputException naming the unknown or invalid field
     */
    public static ProxyConfig parse(String yaml) {
        return parse(yaml, Map.of());
    }

    private static ProxyConfig parse(String yaml, Map<String, Object> overrides) {
        Object doc;
        try {
            doc = new Load(LoadSettings.builder().build()).loadFromString(yaml);
        } catch (YamlEngineException e) {
            throw new InvalidInputException("not valid YAML: " + e.getMessage().lines().findFirst().orElse(""), ROOT);
        }
        if (doc == null) {
            doc = Map.of();
        }
        if (!(doc instanceof Map<?, ?> m0)) {
            throw new InvalidInputException("expected an object", ROOT);
        }
        Map<Object, Object> m = new java.util.LinkedHashMap<>(m0);
        overrides.forEach((path, value) -> set(m, path, value));
        ConfigFields f = new ConfigFields(m, ROOT);
        String apiVersion = f.string("apiVersion", API_VERSION);
        if (!apiVersion.equals(API_VERSION)) {
            throw new InvalidInputException("unsupported apiVersion '" + apiVersion + "' (expected " + API_VERSION + ")",
                    ROOT + ".apiVersion");
        }
        String kind = f.string("kind", ROOT);
        if (!kind.equals(ROOT)) {
            throw new InvalidInputException("expected kind " + ROOT + ", found '" + kind + "'", ROOT + ".kind");
        }
        ProxyConfig d = ProxyConfig.defaults();
        String mode = f.string("mode", "");
        if (!mode.matches("[a-z0-9][a-z0-9.-]{0,62}|")) { // kube-proxy's modes, or an installed backend's name
            throw new InvalidInputException("invalid mode '" + mode + "' (expected iptables, ipvs, nftables or the name of an"
                    + " installed backend)", ROOT + ".mode");
        }
        List<Cidr> clusterCidrs = cidrs(Arrays.stream(f.string("clusterCIDR", "").split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList(), ROOT + ".clusterCIDR");
        Optional<String> hostname = Optional.of(f.string("hostnameOverride", "")).filter(s -> !s.isBlank());
        String bind = f.string("bindAddress", d.bindAddress());
        try {
            IpAddress.parse(bind);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("not a valid IP address: '" + bind + "'", ROOT + ".bindAddress");
        }
        String healthz = hostPortOrEmpty(f.string("healthzBindAddress", d.healthzBindAddress()), ROOT + ".healthzBindAddress");
        String metrics = hostPortOrEmpty(f.string("metricsBindAddress", d.metricsBindAddress()), ROOT + ".metricsBindAddress");
        List<String> nodePortAddresses = f.strings("nodePortAddresses");
        for (String a : nodePortAddresses) {
            if (!a.equals("primary")) {
                cidrs(List.of(a), ROOT + ".nodePortAddresses");
            }
        }
        String modeName = f.string("detectLocalMode", "");
        DetectLocalMode detect = modeName.isEmpty() ? DetectLocalMode.CLUSTER_CIDR : Arrays.stream(DetectLocalMode.values())
                .filter(x -> x.configName().equals(modeName)).findFirst()
                .orElseThrow(() -> new InvalidInputException("unknown detectLocalMode '" + modeName
                        + "' (expected ClusterCIDR, NodeCIDR, BridgeInterface or InterfaceNamePrefix)", ROOT + ".detectLocalMode"));
        ConfigFields dl = f.object("detectLocal");
        Optional<String> bridge = Optional.of(dl.string("bridgeInterface", "")).filter(s -> !s.isBlank());
        Optional<String> prefix = Optional.of(dl.string("interfaceNamePrefix", "")).filter(s -> !s.isBlank());
        dl.finish();
        bridge.ifPresent(b -> interfaceName(b, ROOT + ".detectLocal.bridgeInterface"));
        prefix.ifPresent(p -> interfaceName(p, ROOT + ".detectLocal.interfaceNamePrefix"));
        if (detect == DetectLocalMode.BRIDGE_INTERFACE && bridge.isEmpty()) {
            throw new InvalidInputException("detectLocalMode BridgeInterface needs detectLocal.bridgeInterface", ROOT + ".detectLocal");
        }
        if (detect == DetectLocalMode.INTERFACE_NAME_PREFIX && prefix.isEmpty()) {
            throw new InvalidInputException("detectLocalMode InterfaceNamePrefix needs detectLocal.interfaceNamePrefix",
                    ROOT + ".detectLocal");
        }
        ConfigFields ipt = f.object("iptables");
        ProxyConfig.Iptables iptables = new ProxyConfig.Iptables(ipt.bool("masqueradeAll", false),
                ipt.integer("masqueradeBit", 14, 0, 31), ipt.bool("localhostNodePorts", true),
                ipt.duration("syncPeriod", d.iptables().syncPeriod()), ipt.duration("minSyncPeriod", d.iptables().minSyncPeriod()));
        ipt.finish();
        syncPeriods(iptables.syncPeriod(), iptables.minSyncPeriod(), ROOT + ".iptables");
        ConfigFields iv = f.object("ipvs");
        ProxyConfig.Ipvs ipvs = new ProxyConfig.Ipvs(Optional.of(iv.string("scheduler", "")).filter(s -> !s.isBlank()).orElse("rr"),
                iv.duration("syncPeriod", d.ipvs().syncPeriod()), iv.duration("minSyncPeriod", d.ipvs().minSyncPeriod()),
                cidrs(iv.strings("excludeCIDRs"), ROOT + ".ipvs.excludeCIDRs"), iv.bool("strictARP", false),
                iv.duration("tcpTimeout", java.time.Duration.ZERO), iv.duration("tcpFinTimeout", java.time.Duration.ZERO),
                iv.duration("udpTimeout", java.time.Duration.ZERO));
        iv.finish();
        if (mode.equals("ipvs")) { // as kube-proxy, the ipvs section is checked in IPVS mode only
            syncPeriods(ipvs.syncPeriod(), ipvs.minSyncPeriod(), ROOT + ".ipvs");
        }
        if (!IPVS_SCHEDULERS.contains(ipvs.scheduler())) {
            throw new InvalidInputException("unknown IPVS scheduler '" + ipvs.scheduler() + "' (expected one of "
                    + new java.util.TreeSet<>(IPVS_SCHEDULERS) + ")", ROOT + ".ipvs.scheduler");
        }
        ConfigFields nf = f.object("nftables");
        ProxyConfig.Nftables nftables = new ProxyConfig.Nftables(nf.bool("masqueradeAll", false), nf.integer("masqueradeBit", 14, 0, 31),
                nf.duration("syncPeriod", d.nftables().syncPeriod()), nf.duration("minSyncPeriod", d.nftables().minSyncPeriod()));
        nf.finish();
        if (mode.equals("nftables")) { // as the ipvs section, checked in its own mode only
            syncPeriods(nftables.syncPeriod(), nftables.minSyncPeriod(), ROOT + ".nftables");
        }
        ConfigFields ct = f.object("conntrack");
        ProxyConfig.Conntrack conntrack = new ProxyConfig.Conntrack(ct.integer("maxPerCore", 32768, 0, Integer.MAX_VALUE),
                ct.integer("min", 131072, 0, Integer.MAX_VALUE),
                ct.duration("tcpEstablishedTimeout", d.conntrack().tcpEstablishedTimeout()),
                ct.duration("tcpCloseWaitTimeout", d.conntrack().tcpCloseWaitTimeout()), ct.bool("tcpBeLiberal", false),
                ct.duration("udpTimeout", java.time.Duration.ZERO), ct.duration("udpStreamTimeout", java.time.Duration.ZERO));
        ct.finish();
        java.time.Duration configSync = f.duration("configSyncPeriod", d.configSyncPeriod());
        if (configSync.isZero()) {
            throw new InvalidInputException("must be greater than 0", ROOT + ".configSyncPeriod");
        }
        Map<String, Boolean> gates = f.booleans("featureGates");
        ConfigFields cc = f.object("clientConnection");
        ProxyConfig.ClientConnection dc = ProxyConfig.ClientConnection.defaults();
        ProxyConfig.ClientConnection client = new ProxyConfig.ClientConnection(
                Optional.of(cc.string("kubeconfig", "")).filter(s -> !s.isBlank()), cc.number("qps", dc.qps(), -Double.MAX_VALUE),
                cc.integer("burst", dc.burst(), 0, Integer.MAX_VALUE), cc.string("contentType", dc.contentType()),
                cc.string("acceptContentTypes", dc.acceptContentTypes()));
        cc.finish();
        int oomScoreAdj = f.integer("oomScoreAdj", d.oomScoreAdj(), -1000, 1000);
        boolean hardFail = f.bool("bindAddressHardFail", false);
        ConfigFields lg = f.object("logging");
        String format = lg.string("format", "text");
        if (!format.equals("text")) {
            throw new InvalidInputException("unsupported log format '" + format + "' (svcproxy writes text through SLF4J)",
                    ROOT + ".logging.format");
        }
        ProxyConfig.Logging logging = new ProxyConfig.Logging(format, lg.integer("verbosity", 0, 0, Integer.MAX_VALUE));
        lg.ignore("flushFrequency", "vmodule", "options");
        lg.finish();
        // fields that exist in v1alpha1 but do not change what svcproxy programs on Linux
        f.ignore("enableProfiling", "portRange", "showHiddenMetricsForVersion", "udpIdleTimeout", "winkernel");
        f.finish();
        return new ProxyConfig(mode.isEmpty() ? "iptables" : mode, clusterCidrs, hostname, bind, healthz, metrics,
                nodePortAddresses.isEmpty() && mode.equals("nftables") ? List.of("primary") : nodePortAddresses, detect, bridge, prefix,
                iptables, ipvs, nftables, conntrack, configSync, gates, client, oomScoreAdj, hardFail, logging);
    }

    /** kube-proxy's rule: syncPeriod > 0 and 0 <= minSyncPeriod <= syncPeriod (durations are never negative here). */
    private static void syncPeriods(java.time.Duration sync, java.time.Duration min, String section) {
        if (sync.isZero()) {
            throw new InvalidInputException("must be greater than 0 (0 would sync in a loop)", section + ".syncPeriod");
        }
        if (min.compareTo(sync) > 0) {
            throw new InvalidInputException("must be less than or equal to syncPeriod (" + (sync.toMillis() % 1000 == 0
                    ? sync.toSeconds() + "s" : sync.toMillis() + "ms") + ")",
                    section + ".minSyncPeriod");
        }
    }

    /** An {@code ip:port} bind address (port 1-65535), or empty for "do not serve". */
    private static String hostPortOrEmpty(String text, String field) {
        if (!text.isEmpty()) {
            try {
                HostPort.parse(text);
            } catch (InvalidInputException e) {
                throw new InvalidInputException("must be IP:port with a port 1-65535, or empty to disable; found '" + text + "'", field);
            }
        }
        return text;
    }

    /** A Linux interface name (or prefix): 1-15 characters, none of them '/', ':' or white space. */
    private static void interfaceName(String name, String field) {
        if (!name.matches("[^/:\\s]{1,15}") || name.equals(".") || name.equals("..")) {
            throw new InvalidInputException("not a valid interface name: '" + name.replaceAll("\\p{Cntrl}", "?")
                    + "' (1-15 characters, no '/', ':' or white space)", field);
        }
    }

    /** Sets {@code a.b.c} in nested maps, copying each map on the way so the parsed document is not changed. */
    private static void set(Map<Object, Object> root, String path, Object value) {
        String[] keys = path.split("\\.");
        Map<Object, Object> m = root;
        for (int i = 0; i < keys.length - 1; i++) {
            Object child = m.get(keys[i]);
            Map<Object, Object> copy = child instanceof Map<?, ?> c ? new java.util.LinkedHashMap<>(c) : new java.util.LinkedHashMap<>();
            m.put(keys[i], copy);
            m = copy;
        }
        m.put(keys[keys.length - 1], value);
    }

    private static List<Cidr> cidrs(List<String> texts, String field) {
        List<Cidr> out = new ArrayList<>();
        for (String t : texts) {
            try {
                out.add(Cidr.parse(t));
            } catch (InvalidInputException e) {
                throw new InvalidInputException("invalid CIDR '" + t + "': " + e.getMessage(), field);
            }
        }
        return out;
    }
}
