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
            files.sorted().forEach(p -> b.append(p).append(' ').append(stamp(p)).append('\n'));
        } catch (IOException e) {
            b.append("unreadable");
        }
        return b.toString();
    }

    /** A file's size and modification time, or {@code gone}: what tells that it changed. */
    public static String stamp(Path p) {
        try {
            return Files.size(p) + " " + Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return "gone";
        }
    }

    /** True if something changed since the last call (or since construction). */
    public boolean changed() {
        String now = fingerprint();
        boolean c = !now.equals(last);
        last = now;
        return c;
    }
}
