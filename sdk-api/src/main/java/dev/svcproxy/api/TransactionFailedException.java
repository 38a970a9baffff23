// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api;

import java.util.Optional;

/**
 * The kernel refused a transaction; nothing of it was applied. {@link #operation()} is the failing operation
 * (e.g. the rule in iptables-restore syntax) when it could be identified, {@link #kernelMessage()} what the
 * kernel or tool said.
 */
public class TransactionFailedException extends SvcProxyException {
    private static final long serialVersionUID = 1L;
    /** The failing operation, or null. */
    private final String operation;
    /** What the kernel or tool said, stripped. */
    private final String kernelMessage;

    /**
     * A refused transaction.
     *
     * @param message what was being done
     * @param operation the failing operation (e.g. a rule in iptables-restore syntax), or null if unknown
     * @param kernelMessage what the kernel or tool said (may be blank)
     */
    public TransactionFailedException(String message, String operation, String kernelMessage) {
        super(message + (kernelMessage.isBlank() ? "" : ": " + kernelMessage.strip()), operation);
        this.operation = operation;
        this.kernelMessage = kernelMessage.strip();
    }

    /**
     * The operation that failed, if the failure could be traced to one.
     *
     * @return the operation that failed, if the failure could be traced to one
     */
    public Optional<String> operation() {
        return Optional.ofNullable(operation);
    }

    /**
     * The kernel's or tool's own words.
     *
     * @return the kernel's or tool's own words
     */
    public String kernelMessage() {
        return kernelMessage;
    }
}
