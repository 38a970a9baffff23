package dev.svcproxy.netlink;

import dev.svcproxy.api.SvcProxyException;

/** A netlink message or attribute that does not parse: truncated, overrunning, or missing a required part. */
public class MalformedMessageException extends SvcProxyException {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message, "netlink message");
    }
}
