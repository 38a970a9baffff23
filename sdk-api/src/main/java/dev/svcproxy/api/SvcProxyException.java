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
    private final String object;

    public SvcProxyException(String message) {
        this(message, null, null);
    }

    public SvcProxyException(String message, String object) {
        this(message, object, null);
    }

    public SvcProxyException(String message, String object, Throwable cause) {
        super(object == null ? message : object + ": " + message, cause);
        this.object = object;
    }

    /** The object the error is about, as text (e.g. {@code nat/KUBE-SVC-XPGD46QRK7WJZT7O}), if one is known. */
    public Optional<String> object() {
        return Optional.ofNullable(object);
    }

    public boolean isNotFound() {
        return this instanceof NotFoundException;
    }

    public boolean isAlreadyExists() {
        return this instanceof AlreadyExistsException;
    }
}
