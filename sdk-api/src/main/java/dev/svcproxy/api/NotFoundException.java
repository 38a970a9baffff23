// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api;

/** The kernel (or a fake) does not have the object the operation needs: a chain, a set, an entry. */
public class NotFoundException extends SvcProxyException {
    private static final long serialVersionUID = 1L;

    /**
     * An error about {@code object}.
     *
     * @param message what went wrong
     * @param object the object it concerns, as text (a set, chain, rule, address), or null
     */
    public NotFoundException(String message, String object) {
        super(message, object);
    }

    /**
     * An error about {@code object}, caused by {@code cause}.
     *
     * @param message what went wrong
     * @param object the object it concerns, as text, or null
     * @param cause the underlying failure
     */
    public NotFoundException(String message, String object, Throwable cause) {
        super(message, object, cause);
    }
}
