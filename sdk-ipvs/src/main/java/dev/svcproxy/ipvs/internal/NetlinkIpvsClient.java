// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs.internal;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.UnsupportedByKernelException;
import dev.svcproxy.api.net.IpAddress;
import dev.svcproxy.api.spi.Availability;
import dev.svcproxy.ipvs.ApplyResult;
import dev.svcproxy.ipvs.Destination;
import dev.svcproxy.ipvs.IpvsClient;
import dev.svcproxy.ipvs.IpvsInfo;
import dev.svcproxy.ipvs.IpvsTable;
import dev.svcproxy.ipvs.ObservedDestination;
import dev.svcproxy.ipvs.ObservedService;
import dev.svcproxy.ipvs.ServiceKey;
import dev.svcproxy.ipvs.Timeouts;
import dev.svcproxy.ipvs.VirtualServer;
import dev.svcproxy.netlink.MalformedMessageException;
import dev.svcproxy.netlink.MessageBuilder;
import dev.svcproxy.netlink.NetlinkMessage;
import dev.svcproxy.netlink.NetlinkProtocol;
import dev.svcproxy.netlink.NetlinkSocket;
import dev.svcproxy.netlink.genl.GenericNetlink;
import dev.svcproxy.netlink.genl.GenlFamily;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/** {@link IpvsClient} over one NETLINK_GENERIC socket bound to the IPVS family; calls are serialised. */
public final class NetlinkIpvsClient implements IpvsClient {
    private final NetlinkSocket socket;
    private final IpvsCodec codec;

    public NetlinkIpvsClient(Optional<Path> netns) {
        this.socket = NetlinkSocket.open(NetlinkProtocol.GENERIC, netns);
        try {
            this.codec = new IpvsCodec(family(socket).id());
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * What {@code modprobe ip_vs} said when the family was still missing after it: it is not run again in this process
     * (a proxy probes every installed mode for each family at start, 50 ms a run), though the family is looked up again.
     */
    private static volatile String modprobeFailed;

    /** The IPVS family; loads the ip_vs module once if the kernel does not have the family yet. */
    private static GenlFamily family(NetlinkSocket socket) {
        try {
            return GenericNetlink.family(socket, "IPVS");
        } catch (NotFoundException first) {
            String modprobe = modprobeFailed != null ? modprobeFailed : modprobe();
            try {
                return GenericNetlink.family(socket, "IPVS");
            } catch (NotFoundException again) {
                modprobeFailed = modprobe;
                throw new UnsupportedByKernelException("IPVS not available: this kernel has no IPVS generic netlink "
                        + "family (CONFIG_IP_VS), and modprobe ip_vs said: " + modprobe, "IPVS");
            }
        }
    }

    private static String modprobe() {
        try {
            Process p = new ProcessBuilder("modprobe", "ip_vs").redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out";
            }
            return p.exitValue() == 0 ? "loaded" : out.isEmpty() ? "exit " + p.exitValue() : out;
        } catch (IOException e) {
            return "cannot run it (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    public static Availability availability() {
        if (!NetlinkSocket.isAvailable()) {
            return Availability.no("netlink not available: " + NetlinkSocket.unavailabilityCause().orElse("unknown"));
        }
        try (NetlinkIpvsClient c = new NetlinkIpvsClient(Optional.empty())) {
            return Availability.yes();
        } catch (SvcProxyException e) {
            return Availability.no(e.getMessage());
        }
    }

    /** The kernel's answer to a change, made specific: a service change refused with ENOENT names the scheduler. */
    private static SvcProxyException translate(IpvsOp op, SvcProxyException e) {
        VirtualServer s = op instanceof IpvsOp.AddService a ? a.service()
                : op instanceof IpvsOp.EditService ed ? ed.service() : null;
        if (s != null && e instanceof NotFoundException && e.getMessage().contains("ENOENT")) {
            return new InvalidInputException("unknown scheduler '" + s.scheduler() + "' (this kernel has no ip_vs_"
                    + s.scheduler() + ")", op.toString());
        }
        return e;
    }

    private synchronized void run(IpvsOp op) {
        try {
            socket.request(codec.encode(op));
        } catch (SvcProxyException e) {
            throw translate(op, e);
        }
    }

    private synchronized <T> List<T> dump(MessageBuilder request, Function<NetlinkMessage, T> decode) {
        List<T> out = new ArrayList<>();
        for (NetlinkMessage m : socket.request(request)) {
            try {
                out.add(decode.apply(m));
            } catch (MalformedMessageException e) {
                throw e.in(request.description());
            }
        }
        return out;
    }

    @Override
    public IpvsInfo info() {
        return dump(codec.info(), IpvsCodec::decodeInfo).stream().findFirst()
                .orElseThrow(() -> new MalformedMessageException("no reply").in("ipvsadm --version"));
    }

    @Override
    public List<ObservedService> services() {
        List<ObservedService> l = new ArrayList<>(dump(codec.dumpServices(), IpvsCodec::decodeService));
        l.sort((a, b) -> a.key().compareTo(b.key()));
        return l;
    }

    @Override
    public Optional<ObservedService> service(ServiceKey key) {
        try {
            return dump(codec.getService(key), IpvsCodec::decodeService).stream().findFirst();
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<ObservedDestination> destinations(ServiceKey key) {
        MessageBuilder request = codec.dumpDestinations(key);
        List<ObservedDestination> l = new ArrayList<>(dump(request, m -> IpvsCodec.decodeDestination(m, key)));
        if (l.isEmpty() && service(key).isEmpty()) { // the kernel answers an empty dump for a missing service
            throw new NotFoundException("no such virtual service", request.description());
        }
        l.sort((a, b) -> {
            int c = a.destination().address().compareTo(b.destination().address());
            return c != 0 ? c : Integer.compare(a.destination().port(), b.destination().port());
        });
        return l;
    }

    @Override
    public void addService(VirtualServer service) {
        run(new IpvsOp.AddService(service));
    }

    @Override
    public void editService(VirtualServer service) {
        run(new IpvsOp.EditService(service));
    }

    @Override
    public void deleteService(ServiceKey key) {
        run(new IpvsOp.DeleteService(key));
    }

    @Override
    public void addDestination(ServiceKey key, Destination destination) {
        run(new IpvsOp.AddDestination(key, destination.normalizedFor(key)));
    }

    @Override
    public void editDestination(ServiceKey key, Destination destination) {
        run(new IpvsOp.EditDestination(key, destination.normalizedFor(key)));
    }

    @Override
    public void deleteDestination(ServiceKey key, IpAddress address, int port) {
        run(new IpvsOp.DeleteDestination(key, Destination.masq(address, port, 0)));
    }

    @Override
    public synchronized void flush() {
        socket.request(codec.flush());
    }

    @Override
    public Timeouts timeouts() {
        return dump(codec.getConfig(), IpvsCodec::decodeTimeouts).stream().findFirst()
                .orElseThrow(() -> new MalformedMessageException("no reply").in("ipvsadm -L --timeout"));
    }

    @Override
    public synchronized void setTimeouts(Timeouts timeouts) {
        socket.request(codec.setConfig(timeouts));
    }

    @Override
    public ApplyResult applyChange(IpvsTable current, IpvsTable desired) {
        return IpvsReconciler.apply(IpvsReconciler.diff(current, desired), this::batch);
    }

    @Override
    public ApplyResult apply(IpvsTable desired, Predicate<ServiceKey> owned) {
        List<IpvsOp> ops = IpvsReconciler.diff(this, desired, owned);
        return IpvsReconciler.apply(ops, this::batch);
    }

    private synchronized List<Optional<RuntimeException>> batch(List<IpvsOp> ops) {
        List<NetlinkSocket.Reply> replies = socket.batch(ops.stream().map(codec::encode).toList(), false);
        List<Optional<RuntimeException>> out = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++) {
            IpvsOp op = ops.get(i);
            out.add(replies.get(i).error().map(e -> translate(op, e)));
        }
        return out;
    }

    @Override
    public synchronized void close() {
        socket.close();
    }
}
