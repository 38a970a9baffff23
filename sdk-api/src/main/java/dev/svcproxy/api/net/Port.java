// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.net;

import dev.svcproxy.api.InvalidInputException;

/** A transport port, 1..65535. Port 0 is refused: in Kubernetes objects it means "no port". */
public record Port(int value) implements Comparable<Port> {

    /**
     * A port.
     *
     * @param value 1-65535
     * @throws dev.svcproxy.api.InvalidInputException otherwise
     */
    public Port {
        check(value, "port");
    }

    /**
     * As the constructor.
     *
     * @param value 1-65535
     * @return the port
     */
    public static Port of(int value) {
        return new Port(value);
    }

    /**
     * Parses decimal text, e.g. {@code 8080}; no sign, no leading zeros.
     *
     * @param text the text to parse
     * @return the port
     */
    public static Port parse(String text) {
        if (text == null || !text.matches("[1-9][0-9]{0,4}")) {
            throw new InvalidInputException("invalid port (expected 1-65535)", String.valueOf(text));
        }
        return new Port(Integer.parseInt(text));
    }

    /**
     * Throws {@link InvalidInputException} naming {@code what} unless {@code value} is 1..65535; returns it.
     *
     * @param value the value
     * @param what what the value is, for the error
     * @return {@code value}
     */
    public static int check(int value, String what) {
        if (value < 1 || value > 65535) {
            throw new InvalidInputException("invalid port " + value + " (expected 1-65535)", what);
        }
        return value;
    }

    @Override
    public int compareTo(Port o) {
        return Integer.compare(value, o.value);
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
