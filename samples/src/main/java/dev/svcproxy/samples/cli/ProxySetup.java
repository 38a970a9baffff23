package dev.svcproxy.samples.cli;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.net.Cidr;
import dev.svcproxy.api.net.IpFamily;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.LocalTraffic;
import dev.svcproxy.k8s.ProxyConfig;
import dev.svcproxy.ipvs.kube.IpvsBackend;
import dev.svcproxy.k8s.ProxyFlags;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What every subcommand needs: the configuration (file, then kube-proxy's flags, {@link ProxyFlags}), the node's name, and a backend context per family. */
public record ProxySetup(ProxyConfig config, String nodeName) {

    static ProxySetup from(CommandLine cl) {
        ProxyConfig c = ProxyFlags.apply(cl.get("config").map(Path::of), cl.flags());
        if (!c.mode().equals("iptables") && !c.mode().equals("ipvs")) {
            throw new InvalidInputException("proxy mode '" + c.mode() + "' is not available yet (this build has iptables and ipvs)",
                    "--proxy-mode");
        }
        String node = c.hostnameOverride().orElseGet(ProxySetup::hostname)
                .strip().toLowerCase(Locale.ROOT);
        return new ProxySetup(c, node);
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
    }

    /** kube-proxy's settings for one family: masquerade bit and all, local-traffic detection, NodePort addresses. */
    BackendContext context(IpFamily family, ServiceTable table, List<Cidr> podCidrs, java.util.Map<String, String> options) {
        LocalTraffic local = switch (config.detectLocalMode()) {
            case CLUSTER_CIDR -> {
                List<Cidr> mine = config.clusterCidrs().stream().filter(c -> c.family() == family).toList();
                yield mine.isEmpty() ? LocalTraffic.none() : new LocalTraffic.FromCidrs(mine);
            }
            case BRIDGE_INTERFACE -> new LocalTraffic.FromBridge(config.bridgeInterface().orElseThrow());
            case INTERFACE_NAME_PREFIX -> new LocalTraffic.FromInterfacePrefix(config.interfaceNamePrefix().orElseThrow());
            case NODE_CIDR -> {
                List<Cidr> mine = podCidrs.stream().filter(c -> c.family() == family).toList();
                yield mine.isEmpty() ? LocalTraffic.none() : new LocalTraffic.FromCidrs(mine);
            }
        };
        List<Cidr> nodePort = new ArrayList<>();
        for (String a : config.nodePortAddresses()) {
            if (a.equals("primary")) {
                table.nodeIps().stream().findFirst().map(Cidr::of).ifPresent(nodePort::add);
            } else {
                Cidr c = Cidr.parse(a);
                if (c.family() == family) {
                    nodePort.add(c);
                }
            }
        }
        return BackendContext.builder().family(family).masqueradeBit(config.iptables().masqueradeBit())
                .putOption("localhostNodePorts", String.valueOf(config.iptables().localhostNodePorts())).putAllOptions(options)
                .putOption(IpvsBackend.OPTION_SCHEDULER, config.ipvs().scheduler())
                .putOption(IpvsBackend.OPTION_EXCLUDE_CIDRS, String.join(",", config.ipvs().excludeCidrs().stream().map(Cidr::toString).toList()))
                .masqueradeAll(config.iptables().masqueradeAll()).localTraffic(local).addAllNodePortAddresses(nodePort).build();
    }

    /** The sync periods of the configured mode ({@code iptables.*} or {@code ipvs.*}). */
    Duration syncPeriod() {
        return config.mode().equals("ipvs") ? config.ipvs().syncPeriod() : config.iptables().syncPeriod();
    }

    Duration minSyncPeriod() {
        return config.mode().equals("ipvs") ? config.ipvs().minSyncPeriod() : config.iptables().minSyncPeriod();
    }

    static IpFamily family(String text) {
        return switch (text) {
            case "IPv4" -> IpFamily.IPV4;
            case "IPv6" -> IpFamily.IPV6;
            default -> throw new InvalidInputException("expected IPv4 or IPv6", "--ip-family " + text);
        };
    }

    static String familyName(IpFamily f) {
        return f == IpFamily.IPV4 ? "IPv4" : "IPv6";
    }
}
