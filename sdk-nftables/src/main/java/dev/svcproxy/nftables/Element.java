// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables;

import dev.svcproxy.api.InvalidInputException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An element of a set or map: the key's values (one per concatenated type, as {@code nft} writes them:
 * {@code 10.96.0.1}, {@code tcp}, {@code 443}), for a map its verdict or value, and an optional timeout and comment.
 * {@code toString()} is the element as {@code nft} writes it: {@code 10.96.0.1 . tcp . 443 comment "x" : goto svc1}.
 */
public record Element(List<String> key, Optional<Verdict> verdict, List<String> value, Optional<Duration> timeout,
                      Optional<String> comment) {

    /**
     * An element; the lists are copied.
     *
     * @param key the key's values as {@code nft} writes them, one per concatenated type
     * @param verdict for a verdict map, the verdict
     * @param value for a value map, the value's parts
     * @param timeout its timeout, if it expires
     * @param comment its comment, if any
     * @throws dev.svcproxy.api.InvalidInputException for an empty key, a comment nft refuses, or both a verdict and a value
     */
    public Element {
        key = List.copyOf(key);
        value = List.copyOf(value);
        if (key.isEmpty()) {
            throw new InvalidInputException("an element needs a key", "element");
        }
        if (verdict.isPresent() && !value.isEmpty()) {
            throw new InvalidInputException("an element maps to a verdict or to a value, not both", String.join(" . ", key));
        }
        comment.ifPresent(Names::comment);
    }

    /**
     * A set element.
     *
     * @param key the key's values as {@code nft} writes them
     * @return a set element
     */
    public static Element of(String... key) {
        return new Element(List.of(key), Optional.empty(), List.of(), Optional.empty(), Optional.empty());
    }

    /**
     * A verdict map element.
     *
     * @param key the key's values
     * @param verdict the verdict
     * @return a verdict map element
     */
    public static Element of(List<String> key, Verdict verdict) {
        return new Element(key, Optional.of(verdict), List.of(), Optional.empty(), Optional.empty());
    }

    /**
     * A data map element.
     *
     * @param key the key's values
     * @param value the value's parts
     * @return a data map element
     */
    public static Element of(List<String> key, List<String> value) {
        return new Element(key, Optional.empty(), value, Optional.empty(), Optional.empty());
    }

    /**
     * This element with a timeout.
     *
     * @param t the timeout
     * @return a new element
     */
    public Element withTimeout(Duration t) {
        return new Element(key, verdict, value, Optional.of(t), comment);
    }

    /**
     * This element with a comment.
     *
     * @param text the comment
     * @return a new element
     */
    public Element withComment(String text) {
        return new Element(key, verdict, value, timeout, Optional.of(text));
    }

    /**
     * This element with its values as {@code nft} prints them (so {@code 010.1.2.3} becomes {@code 10.1.2.3}); checks each against {@code set}.
     *
     * @param set the set
     * @return this element with its values as {@code nft} prints them (so {@code 010.1.2.3} becomes {@code 10.1.2.3})
     */
    public Element canonical(NftSet set) {
        if (set.isAddressIntervals()) {
            if (key.size() != 1) {
                throw new InvalidInputException("has " + key.size() + " values where " + set.typeText() + " needs 1",
                        "element " + String.join(" . ", key) + " of " + set.reference());
            }
            return new Element(List.of(dev.svcproxy.nftables.internal.IntervalKeys.canonical(set.key().get(0), key.get(0))), verdict,
                    value, timeout, comment);
        }
        return new Element(canonical(key, set.key(), set), verdict,
                set.data().filter(d -> d != DataType.VERDICT).map(d -> canonical(value, List.of(d), set)).orElse(value), timeout, comment);
    }

    private List<String> canonical(List<String> values, List<DataType> types, NftSet set) {
        if (values.size() != types.size()) {
            throw new InvalidInputException("has " + values.size() + " values where " + set.typeText() + " needs " + types.size(),
                    "element " + String.join(" . ", values) + " of " + set.reference());
        }
        return java.util.stream.IntStream.range(0, values.size()).mapToObj(i -> types.get(i).format(types.get(i).encode(values.get(i)))).toList();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(String.join(" . ", key));
        timeout.ifPresent(t -> b.append(" timeout ").append(Durations.print(t)));
        comment.ifPresent(c -> b.append(" comment ").append(Names.quote(c)));
        verdict.ifPresent(v -> b.append(" : ").append(v));
        if (!value.isEmpty()) {
            b.append(" : ").append(String.join(" . ", value));
        }
        return b.toString();
    }
}
