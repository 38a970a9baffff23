// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink;

import dev.svcproxy.api.SvcProxyException;

/** A netlink message or attribute that does not parse: truncated, overrunning, or missing a required part. */
public class MalformedMessageException extends SvcProxyException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the message. */
    private final String detail;

    /**
     * A message that does not parse.
     *
     * @param message what is wrong with it
     */
    public MalformedMessageException(String message) {
        super(message, "netlink message");
        this.detail = message;
    }

    private MalformedMessageException(String message, String operation, Throwable cause) {
        super(message, operation, cause);
        this.detail = message;
    }

    /**
     * The same fault, naming the operation whose reply it was in (e.g. {@code conntrack -L -f ipv4}).
     *
     * @param operation the operation
     * @return a new exception
     */
    public MalformedMessageException in(String operation) {
        return new MalformedMessageException("malformed kernel reply: " + detail, operation, this);
    }
}
