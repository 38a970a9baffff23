// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api;

import java.util.Optional;

/**
 * The root of every error svcproxy throws. Unchecked; subtypes say what kind of failure it was, and
 * {@link #object()} names the object (a rule, a service, a chain, an address) the failure is about.
 */
public class SvcProxyException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The object the error is about, or null. */
    private final String object;

    /**
     * An error about no particular object.
     *
     * @param message what went wrong
     */
    public SvcProxyException(String message) {
        this(message, null, null);
    }

    /**
     * An error about {@code object}; the message starts with its name.
     *
     * @param message what went wrong
     * @param object the object it concerns, as text (a set, chain, rule, address), or null
     */
    public SvcProxyException(String message, String object) {
        this(message, object, null);
    }

    /**
     * An error about {@code object}, caused by {@code cause}.
     *
     * @param message what went wrong
     * @param object the object it concerns, as text, or null
     * @param cause the underlying failure, or null
     */
    public SvcProxyException(String message, String object, Throwable cause) {
        super(object == null ? message : object + ": " + message, cause);
        this.object = object;
    }

    /**
     * The object the error is about, as text (e.g. {@code nat/KUBE-SVC-XPGD46QRK7WJZT7O}), if one is known.
     *
     * @return the object's name, if known
     */
    public Optional<String> object() {
        return Optional.ofNullable(object);
    }

    /**
     * Whether this is a {@link NotFoundException}.
     *
     * @return true for a missing object
     */
    public boolean isNotFound() {
        return this instanceof NotFoundException;
    }

    /**
     * Whether this is an {@link AlreadyExistsException}.
     *
     * @return true for an object that already exists
     */
    public boolean isAlreadyExists() {
        return this instanceof AlreadyExistsException;
    }
}
