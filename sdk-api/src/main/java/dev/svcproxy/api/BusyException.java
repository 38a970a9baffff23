// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api;

/** A lock (e.g. the xtables lock) or the object was busy, and waiting did not help. */
public class BusyException extends SvcProxyException {
    private static final long serialVersionUID = 1L;

    public BusyException(String message, String object) {
        super(message, object);
    }

    public BusyException(String message, String object, Throwable cause) {
        super(message, object, cause);
    }
}
