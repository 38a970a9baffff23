package dev.svcproxy.api;

/** This kernel or tool version lacks a feature the operation needs. */
public class UnsupportedByKernelException extends SvcProxyException {
    private static final long serialVersionUID = 1L;

    public UnsupportedByKernelException(String message, String object) {
        super(message, object);
    }

    public UnsupportedByKernelException(String message, String object, Throwable cause) {
        super(message, object, cause);
    }
}
