// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipset;

import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.net.IpFamily;
import java.util.OptionalInt;

/**
 * What a set is: name (1-31 characters), type, family (for hash types), and the create options
 * ({@code hashsize}, {@code maxelem}, default {@code timeout}, {@code comment}, {@code counters}, the port range of
 * a {@code bitmap:port}, the size of a {@code list:set}). 0 means "the kernel's default" for the numbers.
 */
public record IpSet(String name, SetType type, IpFamily family, int hashSize, int maxElem, OptionalInt timeout,
                    boolean comment, boolean counters, int portFrom, int portTo, int size) {

    /**
     * A set specification; the factories below build the usual ones.
     *
     * @param name 1-31 characters, no whitespace or quotes
     * @param type the set type
     * @param family the family of a hash type's addresses
     * @param hashSize the initial hash size, 0 for the kernel's
     * @param maxElem the most entries, 0 for the kernel's
     * @param timeout the default entry timeout in seconds, if entries expire
     * @param comment whether entries may carry comments
     * @param counters whether entries count packets and bytes
     * @param portFrom the first port of a {@code bitmap:port}
     * @param portTo the last port of a {@code bitmap:port}
     * @param size the size of a {@code list:set}, 0 for the kernel's
     * @throws dev.svcproxy.api.InvalidInputException for a bad name, a negative number or a bad port range
     */
    public IpSet {
        checkName(name);
        if (hashSize < 0 || maxElem < 0 || size < 0 || timeout.orElse(0) < 0) {
            throw new InvalidInputException("negative size or timeout", name);
        }
        if (type == SetType.BITMAP_PORT && (portFrom < 0 || portTo > 65535 || portFrom > portTo || portTo == 0)) {
            throw new InvalidInputException("bitmap:port needs a port range (from <= to, 0-65535)", name);
        }
    }

    /**
     * Checks a set name: 1-31 characters, no whitespace or quotes.
     *
     * @param name the name
     * @return the name
     */
    public static String checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > 31
                || name.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '\'' || c == '\\')) {
            throw new InvalidInputException("invalid set name (1-31 characters, no whitespace or quotes)", String.valueOf(name));
        }
        return name;
    }

    /**
     * A hash set with the kernel's defaults.
     *
     * @param name 1-31 characters
     * @param type a hash type
     * @param family the family of its addresses
     * @return the specification
     */
    public static IpSet hash(String name, SetType type, IpFamily family) {
        if (!type.hasFamily()) {
            throw new InvalidInputException(type + " is not a hash type of one family", name);
        }
        return new IpSet(name, type, family, 0, 0, OptionalInt.empty(), false, false, 0, 0, 0);
    }

    /**
     * A {@code bitmap:port} over {@code from-to}.
     *
     * @param name 1-31 characters
     * @param from the first port
     * @param to the last port
     * @return the specification
     */
    public static IpSet bitmapPort(String name, int from, int to) {
        return new IpSet(name, SetType.BITMAP_PORT, IpFamily.IPV4, 0, 0, OptionalInt.empty(), false, false, from, to, 0);
    }

    /**
     * A {@code list:set}.
     *
     * @param name 1-31 characters
     * @return the specification
     */
    public static IpSet listSet(String name) {
        return new IpSet(name, SetType.LIST_SET, IpFamily.IPV4, 0, 0, OptionalInt.empty(), false, false, 0, 0, 0);
    }

    /**
     * This set with per-entry comments ({@code comment}).
     *
     * @return a new specification
     */
    public IpSet withComment() {
        return new IpSet(name, type, family, hashSize, maxElem, timeout, true, counters, portFrom, portTo, size);
    }

    /**
     * This set with per-entry packet and byte counters ({@code counters}).
     *
     * @return a new specification
     */
    public IpSet withCounters() {
        return new IpSet(name, type, family, hashSize, maxElem, timeout, comment, true, portFrom, portTo, size);
    }

    /**
     * This set with entries that expire ({@code timeout}).
     *
     * @param seconds the default timeout
     * @return a new specification
     */
    public IpSet withTimeout(int seconds) {
        return new IpSet(name, type, family, hashSize, maxElem, OptionalInt.of(seconds), comment, counters, portFrom, portTo, size);
    }

    /**
     * This set with explicit sizes ({@code hashsize}, {@code maxelem}).
     *
     * @param hashSize the initial hash size, 0 for the kernel's
     * @param maxElem the most entries, 0 for the kernel's
     * @return a new specification
     */
    public IpSet withSizes(int hashSize, int maxElem) {
        return new IpSet(name, type, family, hashSize, maxElem, timeout, comment, counters, portFrom, portTo, size);
    }

    /**
     * Throws {@link InvalidInputException} naming set and entry if {@code e} does not fit this set.
     *
     * @param e the entry
     */
    public void check(Entry e) {
        String id = name + " " + e;
        boolean v = type.ip == e.ip().isPresent() && (type.port == (e.port() != 0)) && type.ip2 == e.ip2().isPresent()
                && (type.net || e.cidr() < 0) && (type.net2 || e.cidr2() < 0)
                && (type == SetType.LIST_SET) == e.member().isPresent()
                && (type != SetType.BITMAP_PORT || e.protocol().isEmpty());
        if (!v) {
            throw new InvalidInputException("entry does not fit a " + type + " set", id);
        }
        if (type.ip && (e.ip().get().family() != family || e.ip2().map(i -> i.family() != family).orElse(false))) {
            throw new InvalidInputException("entry is not " + family, id);
        }
        if (type.port && type != SetType.BITMAP_PORT && e.protocol().isEmpty()) {
            throw new InvalidInputException("entry needs a protocol with its port (tcp:80)", id);
        }
        if (type == SetType.BITMAP_PORT && (e.port() < portFrom || e.port() > portTo)) {
            throw new InvalidInputException("port outside the set's range " + portFrom + "-" + portTo, id);
        }
        if (e.comment().isPresent() && !comment) {
            throw new InvalidInputException("the set was not created with comment support", id);
        }
        if (e.timeout().isPresent() && timeout.isEmpty()) {
            throw new InvalidInputException("the set was not created with timeout support", id);
        }
    }

    /**
     * The set's {@code create} line as {@code ipset save} prints it and {@code ipset restore} reads it.
     *
     * @return e.g. {@code create KUBE-LOOP-BACK hash:ip,port,ip family inet hashsize 1024 maxelem 65536 comment}
     */
    public String createLine() {
        StringBuilder b = new StringBuilder("create ").append(name).append(' ').append(type.typeName());
        if (type.hasFamily()) {
            b.append(" family ").append(family == IpFamily.IPV4 ? "inet" : "inet6");
        }
        if (type == SetType.BITMAP_PORT) {
            b.append(" range ").append(portFrom).append('-').append(portTo);
        }
        if (hashSize > 0) {
            b.append(" hashsize ").append(hashSize);
        }
        if (maxElem > 0) {
            b.append(" maxelem ").append(maxElem);
        }
        if (size > 0) {
            b.append(" size ").append(size);
        }
        timeout.ifPresent(t -> b.append(" timeout ").append(t));
        if (counters) {
            b.append(" counters");
        }
        if (comment) {
            b.append(" comment");
        }
        return b.toString();
    }
}
