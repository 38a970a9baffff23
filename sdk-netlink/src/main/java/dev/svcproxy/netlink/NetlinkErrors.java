// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.netlink;

import dev.svcproxy.api.AlreadyExistsException;
import dev.svcproxy.api.BusyException;
import dev.svcproxy.api.InvalidInputException;
import dev.svcproxy.api.NotFoundException;
import dev.svcproxy.api.PermissionDeniedException;
import dev.svcproxy.api.SvcProxyException;
import dev.svcproxy.api.TransactionFailedException;
import dev.svcproxy.api.UnsupportedByKernelException;
import dev.svcproxy.netlink.internal.Native;

/** Turns a kernel errno from a netlink reply into the matching typed exception, naming the operation. */
public final class NetlinkErrors {

    private NetlinkErrors() {
    }

    /**
     * The exception for {@code errno} (positive) returned to {@code operation}; {@code kernelText} is the
     * extended-ack message, if the kernel sent one.
     *
     * @param errno the error number, positive
     * @param operation what failed
     * @param kernelText the kernel's extended-ack text, possibly empty
     * @return the typed exception
     */
    public static SvcProxyException toException(int errno, String operation, String kernelText) {
        String text = errnoText(errno) + (kernelText == null || kernelText.isBlank() ? "" : ": " + kernelText);
        return switch (errno) {
            case 1, 13 -> new PermissionDeniedException(text + " (needs root / CAP_NET_ADMIN)", operation);
            case 2, 3, 19, 99 -> new NotFoundException(text, operation); // ENOENT, ESRCH, ENODEV, EADDRNOTAVAIL
            case 17 -> new AlreadyExistsException(text, operation);
            case 16, 11, 105 -> new BusyException(text, operation); // EBUSY, EAGAIN, ENOBUFS
            case 93, 95, 97 -> new UnsupportedByKernelException(text, operation);
            case 22, 34, 75 -> new InvalidInputException("the kernel refused it: " + text, operation); // EINVAL, ERANGE, EOVERFLOW
            default -> new TransactionFailedException("the kernel refused it", operation, text);
        };
    }

    /**
     * {@code ENOENT (No such file or directory)}-style text.
     *
     * @param errno the error number, positive
     * @return the text
     */
    public static String errnoText(int errno) {
        String name = switch (errno) {
            case 1 -> "EPERM";
            case 2 -> "ENOENT";
            case 3 -> "ESRCH";
            case 11 -> "EAGAIN";
            case 13 -> "EACCES";
            case 16 -> "EBUSY";
            case 17 -> "EEXIST";
            case 19 -> "ENODEV";
            case 22 -> "EINVAL";
            case 34 -> "ERANGE";
            case 75 -> "EOVERFLOW";
            case 93 -> "EPROTONOSUPPORT";
            case 95 -> "EOPNOTSUPP";
            case 97 -> "EAFNOSUPPORT";
            case 99 -> "EADDRNOTAVAIL";
            case 105 -> "ENOBUFS";
            default -> "errno " + errno;
        };
        String desc = Native.isAvailable() ? Native.strerror(errno) : null;
        return desc == null ? name : name + " (" + desc + ")";
    }
}
