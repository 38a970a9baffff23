// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api;

/** Input was rejected before anything reached the kernel: a bad address, port, name, probability or reference. */
public class InvalidInputException extends SvcProxyException {
    private static final long serialVersionUID = 1L;

    /**
     * An error about {@code object}.
     *
     * @param message what went wrong
     * @param object the object it concerns, as text (a set, chain, rule, address), or null
     */
    public InvalidInputException(String message, String object) {
        super(message, object);
    }

    /**
     * An error about {@code object}, caused by {@code cause}.
     *
     * @param message what went wrong
     * @param object the object it concerns, as text, or null
     * @param cause the underlying failure
     */
    public InvalidInputException(String message, String object, Throwable cause) {
        super(message, object, cause);
    }
}
