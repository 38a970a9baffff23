// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables;

import dev.svcproxy.api.InvalidInputException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A named set or map of a table. The key is one {@link DataType} or a concatenation
 * ({@code ipv4_addr . inet_proto . inet_service}); a map also has a data type ({@link DataType#VERDICT} for a
 * verdict map). {@code toString()} is the {@code add set} / {@code add map} command.
 */
public record NftSet(Table table, String name, List<DataType> key, Optional<DataType> data, Set<Flag> flags,
                     Optional<Duration> timeout, Optional<Integer> size, Optional<String> comment) {

    /** Set flags, with the kernel's NFT_SET_* bits, in the order {@code nft} prints them. */
    public enum Flag {
        /** {@code constant}: elements cannot change after creation. */
        CONSTANT("constant", 0x2),
        /** {@code dynamic}: rules may add elements. */
        DYNAMIC("dynamic", 0x20),
        /** {@code interval}: elements may be ranges and prefixes. */
        INTERVAL("interval", 0x4),
        /** {@code timeout}: elements expire. */
        TIMEOUT("timeout", 0x10);

        private final String keyword;
        private final int bit;

        Flag(String keyword, int bit) {
            this.keyword = keyword;
            this.bit = bit;
        }

        /**
         * How {@code nft} prints the flag.
         *
         * @return the keyword
         */
        public String keyword() {
            return keyword;
        }

        /**
         * The kernel's {@code NFT_SET_*} bit.
         *
         * @return the bit
         */
        public int bit() {
            return bit;
        }
    }

    /**
     * A set or map; a default timeout adds the {@code timeout} flag.
     *
     * @param name its name
     * @param table its table
     * @param key the key's data types, concatenated if more than one
     * @param data the data type for a map; empty for a set
     * @param flags its flags
     * @param timeout the default element timeout, if elements expire
     * @param size the most elements, if limited
     * @param comment its comment, if any
     * @throws dev.svcproxy.api.InvalidInputException for a bad name or comment, or an empty or verdict key
     */
    public NftSet {
        Names.check(name, "set");
        key = List.copyOf(key);
        if (key.isEmpty() || key.contains(DataType.VERDICT)) {
            throw new InvalidInputException("a set key is one or more data types, never verdict", "set " + name);
        }
        EnumSet<Flag> f = flags.isEmpty() ? EnumSet.noneOf(Flag.class) : EnumSet.copyOf(flags);
        if (timeout.isPresent()) {
            f.add(Flag.TIMEOUT); // as nft does: a default timeout needs the flag
        }
        flags = java.util.Collections.unmodifiableSet(f);
        comment.ifPresent(Names::comment);
    }

    /**
     * A set of {@code key}.
     *
     * @param table the table
     * @param name the name
     * @param key the key's data types
     * @return a set of {@code key}
     */
    public static NftSet set(Table table, String name, DataType... key) {
        return new NftSet(table, name, List.of(key), Optional.empty(), Set.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * A map from {@code key} to {@code data}.
     *
     * @param table the table
     * @param name the name
     * @param key the key's data types
     * @param data the data type of the values
     * @return a map from {@code key} to {@code data}
     */
    public static NftSet map(Table table, String name, List<DataType> key, DataType data) {
        return new NftSet(table, name, key, Optional.of(data), Set.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * This set with more flags.
     *
     * @param more the flags to add
     * @return a new set
     */
    public NftSet withFlags(Flag... more) {
        Set<Flag> f = EnumSet.noneOf(Flag.class);
        f.addAll(flags);
        f.addAll(List.of(more));
        return new NftSet(table, name, key, data, f, timeout, size, comment);
    }

    /**
     * This set with a default element timeout.
     *
     * @param t the timeout
     * @return a new set
     */
    public NftSet withTimeout(Duration t) {
        return new NftSet(table, name, key, data, flags, Optional.of(t), size, comment);
    }

    /**
     * The most elements it may hold ({@code size}); the kernel gives a set that a rule updates 65535 if none is set.
     *
     * @param n the most elements
     * @return the most elements it may hold ({@code size})
     */
    public NftSet withSize(int n) {
        return new NftSet(table, name, key, data, flags, timeout, Optional.of(n), comment);
    }

    /**
     * This set with a comment.
     *
     * @param text the comment
     * @return a new set
     */
    public NftSet withComment(String text) {
        return new NftSet(table, name, key, data, flags, timeout, size, Optional.of(text));
    }

    /**
     * Whether this is a map (it has a data type).
     *
     * @return true for a map
     */
    public boolean isMap() {
        return data.isPresent();
    }

    /**
     * {@code nft}'s key type id: the concatenated types' ids, 6 bits each.
     *
     * @return {@code nft}'s key type id
     */
    public long keyTypeId() {
        long id = 0;
        for (DataType t : key) {
            id = id << 6 | t.id();
        }
        return id;
    }

    /**
     * The key's size in the kernel: a single type's size, or each concatenated field padded to 4 bytes.
     *
     * @return the key's size in the kernel
     */
    public int keyLength() {
        return key.size() == 1 ? key.get(0).length() : key.stream().mapToInt(t -> (t.length() + 3) & ~3).sum();
    }

    /**
     * The byte order {@code nft} records for the key: its type's, or none for a concatenation.
     *
     * @return the byte order {@code nft} records for the key
     */
    public int keyByteOrder() {
        return key.size() == 1 ? key.get(0).byteOrderTag() : 0;
    }

    /**
     * True for an interval set of addresses, whose elements are addresses, prefixes and ranges.
     *
     * @return true for an interval set of addresses, whose elements are addresses, prefixes and ranges
     */
    public boolean isAddressIntervals() {
        return flags.contains(Flag.INTERVAL) && key.size() == 1 && dev.svcproxy.nftables.internal.IntervalKeys.supports(key.get(0));
    }

    /**
     * A key as the kernel holds it: each field's bytes, padded to 4 bytes when concatenated; for an interval of
     * addresses, its first address.
     *
     * @param values the key's values as {@code nft} writes them
     * @return a key as the kernel holds it
     */
    public byte[] encodeKey(List<String> values) {
        if (isAddressIntervals()) {
            var t = key.get(0);
            return dev.svcproxy.nftables.internal.IntervalKeys.bytes(t, dev.svcproxy.nftables.internal.IntervalKeys.parse(t, values.get(0)).first());
        }
        return encode(key, values);
    }

    /**
     * A map's value as the kernel holds it.
     *
     * @param values the value's parts as {@code nft} writes them
     * @return a map's value as the kernel holds it
     */
    public byte[] encodeValue(List<String> values) {
        return encode(List.of(data.orElseThrow()), values);
    }

    private static byte[] encode(List<DataType> types, List<String> values) {
        if (types.size() == 1) {
            return types.get(0).encode(values.get(0));
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < types.size(); i++) {
            byte[] b = types.get(i).encode(values.get(i));
            out.writeBytes(b);
            out.writeBytes(new byte[((b.length + 3) & ~3) - b.length]);
        }
        return out.toByteArray();
    }

    /**
     * The order {@code nft list} prints elements in: ascending by the key read as one number in the key's recorded
     * byte order (big endian, or host order, little endian here, for host order and concatenations).
     *
     * @return the order {@code nft list} prints elements in
     */
    public java.util.Comparator<Element> printOrder() {
        boolean big = keyByteOrder() == 2;
        return java.util.Comparator.comparing(e -> {
            byte[] b = encodeKey(e.key());
            if (!big) {
                for (int i = 0, j = b.length - 1; i < j; i++, j--) {
                    byte t = b[i];
                    b[i] = b[j];
                    b[j] = t;
                }
            }
            return new java.math.BigInteger(1, b);
        });
    }

    /**
     * {@code ipv4_addr . inet_proto . inet_service : verdict}.
     *
     * @return the type as {@code nft} writes it
     */
    public String typeText() {
        return key.stream().map(DataType::keyword).collect(Collectors.joining(" . ")) + data.map(d -> " : " + d.keyword()).orElse("");
    }

    /** The statements inside the braces, in {@code nft list}'s order (elements not included). */
    List<String> declaration() {
        List<String> lines = new ArrayList<>();
        lines.add("type " + typeText());
        size.ifPresent(n -> lines.add("size " + n));
        if (!flags.isEmpty()) {
            lines.add("flags " + flags.stream().map(Flag::keyword).collect(Collectors.joining(",")));
        }
        timeout.ifPresent(t -> lines.add("timeout " + Durations.print(t)));
        comment.ifPresent(c -> lines.add("comment " + Names.quote(c)));
        return lines;
    }

    /**
     * {@code ip TABLE NAME}.
     *
     * @return {@code ip TABLE NAME}
     */
    public String reference() {
        return table.reference() + " " + Names.print(name);
    }

    @Override
    public String toString() {
        return (isMap() ? "map " : "set ") + reference() + " { " + String.join("; ", declaration()) + "; }";
    }
}
