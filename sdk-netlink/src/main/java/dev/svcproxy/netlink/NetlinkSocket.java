// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink;

import dev.svcproxy.api.BusyException;
import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.netlink.internal.Native;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A netlink socket of one protocol, optionally inside another network namespace. Each request carries a fresh
 * sequence number; replies are matched to it; a kernel error becomes the typed exception of
 * {@link NetlinkErrors}, with the extended-ack text. Not thread-safe: use one socket per thread, or lock.
 *
 * <p>Buffers: 4 MiB socket buffers (forced when root) so large dumps and batches do not hit ENOBUFS; batches are
 * sent in chunks of at most {@value #CHUNK_BYTES} bytes, each chunk's replies read before the next is sent.
 */
public final class NetlinkSocket implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NetlinkSocket.class);
    static final int CHUNK_BYTES = 256 * 1024;
    private static final int BUFFER_BYTES = 4 * 1024 * 1024;

    private final NetlinkProtocol protocol;
    private final int fd;
    private final int pid;
    private final ByteBuffer rx = ByteBuffer.allocateDirect(1024 * 1024).order(ByteOrder.nativeOrder());
    /**
     * The buffer datagrams are assembled in, kept between sends up to {@link #BUFFER_BYTES} (the socket's own send
     * buffer): a new direct buffer is zeroed memory the process touches for the first time, 2.4 MB for each nf_tables
     * transaction of a first load; a larger datagram gets a buffer of its own.
     */
    private ByteBuffer sendBuffer;
    private int seq = (int) (System.nanoTime() & 0x3fffffff);
    private boolean closed;
    private ErrorMapper errors = (errno, operation, kernelText) -> null;

    /**
     * Turns a protocol's own error numbers (ipset's 4096 and up, say) into typed exceptions; returns null for the
     * errno values it leaves to {@link NetlinkErrors}.
     */
    @FunctionalInterface
    public interface ErrorMapper {
        /**
         * The typed exception for an error number, or null to leave it to the common mapping.
         *
         * @param errno the positive error number the kernel returned
         * @param operation the failing operation's description
         * @param kernelText the kernel's extended-ack text, possibly empty
         * @return the exception, or null
         */
        SvcProxyException map(int errno, String operation, String kernelText);
    }

    private NetlinkSocket(NetlinkProtocol protocol, int fd) {
        this.protocol = protocol;
        this.fd = fd;
        try {
            this.pid = Native.bindNetlink(fd);
            if (!Native.trySetIntOption(fd, Native.SOL_SOCKET, Native.SO_RCVBUFFORCE, BUFFER_BYTES)) {
                Native.trySetIntOption(fd, Native.SOL_SOCKET, Native.SO_RCVBUF, BUFFER_BYTES);
            }
            if (!Native.trySetIntOption(fd, Native.SOL_SOCKET, Native.SO_SNDBUFFORCE, BUFFER_BYTES)) {
                Native.trySetIntOption(fd, Native.SOL_SOCKET, Native.SO_SNDBUF, BUFFER_BYTES);
            }
            Native.trySetIntOption(fd, Native.SOL_NETLINK, Native.NETLINK_CAP_ACK, 1);
            Native.trySetIntOption(fd, Native.SOL_NETLINK, Native.NETLINK_EXT_ACK, 1);
            Native.setTimeout(fd, Native.SO_RCVTIMEO, 10_000);
            Native.setTimeout(fd, Native.SO_SNDTIMEO, 10_000);
        } catch (RuntimeException e) {
            Native.close(fd);
            throw e;
        }
    }

    /**
     * True if native access works here (jnr-ffi could load libc).
     *
     * @return true if jnr-ffi loaded libc
     */
    public static boolean isAvailable() {
        return Native.isAvailable();
    }

    /**
     * Why netlink sockets cannot be used here, if they cannot.
     *
     * @return the cause, if netlink sockets cannot be used
     */
    public static Optional<String> unavailabilityCause() {
        return Optional.ofNullable(Native.unavailabilityCause()).map(Throwable::toString);
    }

    /**
     * A socket in this process's network namespace.
     *
     * @param protocol the netlink family
     * @return a socket; close it when done
     */
    public static NetlinkSocket open(NetlinkProtocol protocol) {
        return new NetlinkSocket(protocol, Native.netlinkSocket(protocol.number()));
    }

    /**
     * A socket in the network namespace at {@code netns} if one is given, else in this process's.
     *
     * @param protocol the netlink family
     * @param netns the namespace's path, if any
     * @return a socket; close it when done
     */
    public static NetlinkSocket open(NetlinkProtocol protocol, java.util.Optional<Path> netns) {
        return netns.isPresent() ? open(protocol, netns.get()) : open(protocol);
    }

    /**
     * A socket inside the network namespace at {@code netns} ({@code /run/netns/NAME}, {@code /proc/PID/ns/net}).
     * A short-lived thread enters the namespace and creates the socket; the calling thread never changes namespace.
     *
     * @param protocol the netlink family
     * @param netns the namespace's path
     * @return a socket; close it when done
     */
    public static NetlinkSocket open(NetlinkProtocol protocol, Path netns) {
        int fd = dev.svcproxy.netlink.netns.InNamespace.call(java.util.Optional.of(netns),
                () -> Native.netlinkSocket(protocol.number()));
        return new NetlinkSocket(protocol, fd);
    }

    /**
     * The netlink family the socket speaks.
     *
     * @return the protocol
     */
    public NetlinkProtocol protocol() {
        return protocol;
    }

    /**
     * Uses {@code mapper} before the generic errno mapping for every error this socket receives.
     *
     * @param mapper the protocol's own error mapping
     * @return this socket
     */
    public NetlinkSocket errors(ErrorMapper mapper) {
        this.errors = mapper;
        return this;
    }

    private SvcProxyException error(int errno, String operation, String kernelText) {
        SvcProxyException e = errors.map(errno, operation, kernelText);
        return e != null ? e : NetlinkErrors.toException(errno, operation, kernelText);
    }

    /**
     * The port id the kernel gave this socket.
     *
     * @return the port id
     */
    public int portId() {
        return pid;
    }

    /**
     * How long a receive may wait for the kernel before failing with {@link BusyException}.
     *
     * @param timeout the longest wait
     */
    public void receiveTimeout(Duration timeout) {
        Native.setTimeout(fd, Native.SO_RCVTIMEO, timeout.toMillis());
    }

    /**
     * Sends one request and returns its replies: the data messages of a dump (until NLMSG_DONE), or none for a
     * request that only gets an ACK. A kernel error throws the typed exception naming the request.
     *
     * @param message the request
     * @return the data messages of the reply
     */
    public List<NetlinkMessage> request(MessageBuilder message) {
        Reply r = batch(List.of(message), true).get(0);
        r.error().ifPresent(e -> {
            throw e;
        });
        return r.messages();
    }

    /** The outcome of one request of a batch: its replies, or the error the kernel returned for it. */
    public record Reply(MessageBuilder request, List<NetlinkMessage> messages, Optional<SvcProxyException> error) {
    }

    /**
     * Sends many requests in as few datagrams as possible and returns one {@link Reply} per request, in order; a
     * failed request does not stop the others. With {@code ackEach} false only failures are reported by the
     * kernel and the last request of each chunk carries NLM_F_ACK to mark the chunk's end (fewer replies).
     *
     * @param messages the requests
     * @param ackEach whether every request is acknowledged
     * @return one reply per request, in order
     */
    public List<Reply> batch(List<MessageBuilder> messages, boolean ackEach) {
        ensureOpen();
        boolean ackAll = ackEach || messages.stream().anyMatch(MessageBuilder::isDump);
        List<Reply> out = new ArrayList<>(messages.size());
        messages.forEach(m -> out.add(null));
        int i = 0;
        while (i < messages.size()) {
            Map<Integer, Integer> bySeq = new HashMap<>();
            int first = i;
            int size = 0;
            while (i < messages.size() && (i == first || size + messages.get(i).length() <= CHUNK_BYTES)) {
                size += messages.get(i++).length();
            }
            ByteBuffer tx = txBuffer(size);
            for (int k = first; k < i; k++) {
                MessageBuilder m = messages.get(k);
                boolean ack = ackAll || k == i - 1; // the chunk's end is always acknowledged
                int flags = m.isDump() ? m.flags() : ack ? m.flags() | Netlink.NLM_F_ACK : m.flags() & ~Netlink.NLM_F_ACK;
                m.writeTo(tx, flags, ++seq, pid);
                bySeq.put(seq, k);
            }
            tx.flip();
            Native.send(fd, tx);
            receive(messages, out, bySeq, first, i, ackAll);
        }
        return out;
    }

    /**
     * An nfnetlink transaction: {@code begin}, the {@code ops}, {@code end} in ONE datagram, which the kernel applies
     * as one transaction, all or nothing (a batch split over several datagrams would not be atomic). The kernel
     * reports only failures, and acknowledges the last operation; one {@link Reply} per operation, in order. If any
     * reply carries an error, the kernel applied none of them. With {@code end} null the kernel validates every
     * operation and then discards them all (a dry run: nf_tables aborts a batch that has no end). The send buffer
     * grows to fit the datagram.
     *
     * @param begin the batch-begin message
     * @param ops the operations
     * @param end the batch-end message, or null for a dry run
     * @return one reply per operation, in order
     */
    public List<Reply> atomicBatch(MessageBuilder begin, List<MessageBuilder> ops, MessageBuilder end) {
        ensureOpen();
        if (ops.isEmpty()) {
            return List.of();
        }
        Map<Integer, Integer> bySeq = new HashMap<>();
        int size = begin.length() + (end == null ? 0 : end.length());
        for (MessageBuilder m : ops) {
            size += m.length();
        }
        if (size > BUFFER_BYTES - 4096) {
            Native.trySetIntOption(fd, Native.SOL_SOCKET, Native.SO_SNDBUFFORCE, size + 65536);
        }
        ByteBuffer tx = txBuffer(size);
        begin.writeTo(tx, begin.flags(), ++seq, pid);
        for (int i = 0; i < ops.size(); i++) {
            MessageBuilder m = ops.get(i);
            m.writeTo(tx, i == ops.size() - 1 ? m.flags() | Netlink.NLM_F_ACK : m.flags() & ~Netlink.NLM_F_ACK, ++seq, pid);
            bySeq.put(seq, i);
        }
        if (end != null) {
            end.writeTo(tx, end.flags(), ++seq, pid);
        }
        tx.flip();
        Native.send(fd, tx);
        List<Reply> out = new ArrayList<>(ops.size());
        ops.forEach(m -> out.add(null));
        receive(ops, out, bySeq, 0, ops.size(), false);
        return out;
    }

    /**
     * One nfnetlink transaction of {@code subsystem} (10: nf_tables): the {@code ops} between the batch-begin and, when
     * {@code commit}, batch-end messages, in one datagram ({@link #atomicBatch}). If the kernel refused any operation, it
     * applied none: the first refusal is thrown, the others suppressed in it.
     *
     * @param subsystem the nfnetlink subsystem the batch is for
     * @param ops the operations
     * @param commit false for a dry run (the kernel validates every operation and discards them all)
     */
    public void nfnetlinkTransaction(int subsystem, List<MessageBuilder> ops, boolean commit) {
        SvcProxyException first = null;
        for (Reply r : atomicBatch(batchMarker(NFNL_MSG_BATCH_BEGIN, subsystem), ops,
                commit ? batchMarker(NFNL_MSG_BATCH_END, subsystem) : null)) {
            if (r.error().isPresent()) {
                if (first == null) {
                    first = r.error().get();
                } else {
                    first.addSuppressed(r.error().get());
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static final int NFNL_MSG_BATCH_BEGIN = 0x10;
    private static final int NFNL_MSG_BATCH_END = 0x11;

    /** A batch-begin or batch-end message: no family, the subsystem as the resource id. */
    private static MessageBuilder batchMarker(int type, int subsystem) {
        return new MessageBuilder(type, 0, "batch").nfgen(0, subsystem);
    }

    private void receive(List<MessageBuilder> messages, List<Reply> out, Map<Integer, Integer> bySeq, int from, int to,
                         boolean ackAll) {
        List<List<NetlinkMessage>> data = new ArrayList<>();
        for (int k = from; k < to; k++) {
            data.add(new ArrayList<>());
        }
        int lastAcked = -1; // requests up to here are complete (in order, as the kernel processes them)
        int pending = to - from;
        while (pending > 0) {
            rx.clear();
            int n = Native.recv(fd, rx);
            if (n == -Native.EINTR) {
                continue;
            }
            if (n == -Native.EAGAIN) {
                throw new BusyException("no reply from the kernel within the receive timeout",
                        messages.get(Math.min(to - 1, from + lastAcked + 1)).description());
            }
            if (n == -105) {
                throw new BusyException("netlink receive buffer overrun (ENOBUFS): replies were lost",
                        messages.get(from).description());
            }
            rx.limit(n);
            for (NetlinkMessage m : NetlinkMessage.parseAll(rx)) {
                Integer idx = bySeq.get(m.seq());
                if (idx == null || m.pid() != pid && m.pid() != 0) {
                    LOG.debug("ignoring netlink message type {} seq {}", m.type(), m.seq());
                    continue;
                }
                int k = idx - from;
                MessageBuilder req = messages.get(idx);
                if (m.type() == Netlink.NLMSG_ERROR) {
                    int errno = -m.payload().getInt(0);
                    if (out.get(idx) == null) {
                        out.set(idx, new Reply(req, List.copyOf(data.get(k)), errno == 0 ? Optional.empty()
                                : Optional.of(error(errno, req.description(), extAck(m)))));
                        pending--;
                    }
                    if (!ackAll && idx == to - 1) {
                        // the reply to a chunk's last request (which asked for an ACK): the kernel handles requests
                        // in order and reports only failures, so every earlier request without a reply succeeded
                        for (int j = from; j < idx; j++) {
                            if (out.get(j) == null) {
                                out.set(j, new Reply(messages.get(j), List.of(), Optional.empty()));
                                pending--;
                            }
                        }
                    }
                    lastAcked = Math.max(lastAcked, k);
                } else if (m.type() == Netlink.NLMSG_DONE) {
                    if (out.get(idx) == null) {
                        out.set(idx, new Reply(req, List.copyOf(data.get(k)), Optional.empty()));
                        pending--;
                    }
                } else if (m.type() != Netlink.NLMSG_NOOP) {
                    data.get(k).add(copy(m));
                }
            }
        }
    }

    /** A received message copied out of the shared receive buffer. */
    private static NetlinkMessage copy(NetlinkMessage m) {
        ByteBuffer p = ByteBuffer.allocate(m.payload().remaining()).order(ByteOrder.nativeOrder());
        p.put(m.payload().duplicate()).flip();
        return new NetlinkMessage(m.type(), m.flags(), m.seq(), m.pid(), p);
    }

    /** The extended-ack message text of an error reply, if present. */
    static String extAck(NetlinkMessage m) {
        if ((m.flags() & Netlink.NLM_F_ACK_TLVS) == 0) {
            return null;
        }
        ByteBuffer p = m.payload();
        int origLen = p.getInt(4); // the echoed request header: only its 16 bytes when capped
        int skip = 4 + ((m.flags() & Netlink.NLM_F_CAPPED) != 0 ? Netlink.HEADER_LENGTH : Netlink.align(origLen));
        if (skip > p.limit()) {
            return null;
        }
        Attributes a = Attributes.parse(p.duplicate().position(skip));
        return a.has(Netlink.NLMSGERR_ATTR_MSG) ? a.string(Netlink.NLMSGERR_ATTR_MSG) : null;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("netlink socket is closed");
        }
    }

    /**
     * A cleared buffer of at least {@code size} bytes (native order): the kept one ({@link #sendBuffer}), grown up to
     * {@link #BUFFER_BYTES}, else one of its own.
     */
    private ByteBuffer txBuffer(int size) {
        if (sendBuffer != null && sendBuffer.capacity() >= size) {
            return sendBuffer.clear();
        }
        ByteBuffer b = ByteBuffer.allocateDirect(size > BUFFER_BYTES ? size
                : Math.min(BUFFER_BYTES, Math.max(size, sendBuffer == null ? 0 : 2 * sendBuffer.capacity())))
                .order(ByteOrder.nativeOrder());
        if (b.capacity() <= BUFFER_BYTES) {
            sendBuffer = b;
        }
        return b;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            sendBuffer = null;
            Native.close(fd);
        }
    }
}
