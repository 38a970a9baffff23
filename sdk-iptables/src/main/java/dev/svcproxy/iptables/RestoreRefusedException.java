// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables;

import dev.svcproxy.api.TransactionFailedException;
import java.util.Optional;

/**
 * The kernel (or {@link FakeIptables}) refused an {@link IptablesTransaction}; nothing of it was applied.
 * {@link #failedOperation()} is the operation object iptables-restore's line number (or error text) pointed at.
 */
public class RestoreRefusedException extends TransactionFailedException {
    private static final long serialVersionUID = 1L;
    private final transient IptablesTransaction.Op failed;

    /**
     * A refused transaction.
     *
     * @param failed the operation the tool's error pointed at, or null if unknown
     * @param kernelMessage what the tool said
     */
    public RestoreRefusedException(IptablesTransaction.Op failed, String kernelMessage) {
        super("iptables-restore refused the transaction (nothing was applied)",
                failed == null ? null : failed.table() + ": " + failed, kernelMessage);
        this.failed = failed;
    }

    /**
     * The refused operation, e.g. an {@link IptablesTransaction.Append} holding the {@link Rule}.
     *
     * @return the operation, if identified
     */
    public Optional<IptablesTransaction.Op> failedOperation() {
        return Optional.ofNullable(failed);
    }
}
