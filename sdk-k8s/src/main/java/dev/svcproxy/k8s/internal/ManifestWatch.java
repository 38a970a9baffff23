package dev.svcproxy.k8s.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Notices changes to a manifest file or directory by the names, sizes and modification times of its files. */
public final class ManifestWatch {
    private final Path path;
    private String last;

    public ManifestWatch(Path path) {
        this.path = path;
        this.last = fingerprint();
    }

    private String fingerprint() {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> files = Files.isDirectory(path) ? Files.list(path) : Stream.of(path)) {
            files.sorted().forEach(p -> {
                try {
                    b.append(p).append(' ').append(Files.size(p)).append(' ').append(Files.getLastModifiedTime(p)).append('\n');
                } catch (IOException e) {
                    b.append(p).append(" gone\n");
                }
            });
        } catch (IOException e) {
            b.append("unreadable");
        }
        return b.toString();
    }

    /** True if something changed since the last call (or since construction). */
    public boolean changed() {
        String now = fingerprint();
        boolean c = !now.equals(last);
        last = now;
        return c;
    }
}
