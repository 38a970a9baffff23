package dev.svcproxy.k8s;

/**
 * An object svcproxy skipped or could not fully use, and why; the rest is still programmed. {@link #toString()}
 * is the log line: {@code Service default/web: invalid externalIP '10.0.0.300': ...}.
 */
public record Problem(String kind, String object, String message) {

    @Override
    public String toString() {
        return kind + " " + object + ": " + message;
    }
}
