// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.testing.recording;

import dev.svcproxy.api.model.ServiceTable;
import dev.svcproxy.api.model.VirtualService;
import dev.svcproxy.api.spi.Availability;
import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.ServiceProxyBackend;
import dev.svcproxy.api.spi.ServiceProxyBackendProvider;
import dev.svcproxy.api.spi.SharedState;
import dev.svcproxy.api.spi.SyncResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code recording} backend: always available, programs nothing, and records each call as one line
 * ({@code create IPv4 masqueradeBit=14}, {@code prepare IPv4}, {@code sync IPv4 default/web:http,...},
 * {@code render IPv4}, {@code removeLeftovers IPv4}, {@code unlink IPv4}, {@code cleanup IPv4}, {@code close IPv4}):
 * in memory ({@link #events()}) and, when the system property {@value #FILE_PROPERTY} names a file, appended there.
 */
public final class RecordingBackendProvider implements ServiceProxyBackendProvider {
    /** The provider's name, as {@code mode: recording} selects it. */
    public static final String NAME = "recording";
    /** System property: a file every event is appended to (for tests that run the command in another process). */
    public static final String FILE_PROPERTY = "svcproxy.recording.file";
    private static final List<String> EVENTS = new ArrayList<>();

    /** Every event recorded in this JVM so far, oldest first. */
    public static synchronized List<String> events() {
        return List.copyOf(EVENTS);
    }

    /** Forgets the events recorded so far. */
    public static synchronized void clear() {
        EVENTS.clear();
    }

    static synchronized void record(String event) {
        EVENTS.add(event);
        String file = System.getProperty(FILE_PROPERTY, "");
        if (!file.isEmpty()) {
            try {
                Files.writeString(Path.of(file), event + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 1000;
    }

    @Override
    public Availability availability(BackendContext context) {
        return Availability.yes();
    }

    @Override
    public ServiceProxyBackend create(BackendContext context) {
        record("create " + context.family() + " masqueradeBit=" + context.masqueradeBit() + " syncPeriod=" + context.syncPeriod()
                + " netns=" + context.netns().map(Path::toString).orElse("-"));
        return new Recording(context);
    }

    private static final class Recording implements ServiceProxyBackend {
        private final BackendContext context;

        Recording(BackendContext context) {
            this.context = context;
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public List<String> prepare() {
            record("prepare " + context.family());
            return List.of();
        }

        @Override
        public SyncResult sync(ServiceTable desired) {
            record("sync " + desired.family() + " " + names(desired));
            return new SyncResult(true, List.of(), Duration.ZERO);
        }

        @Override
        public String render(ServiceTable desired) {
            record("render " + desired.family());
            return "# recording: " + names(desired) + "\n";
        }

        private static String names(ServiceTable t) {
            return t.services().stream().map(VirtualService::name).map(Object::toString).sorted().collect(Collectors.joining(","));
        }

        @Override
        public boolean hasLeftovers() {
            return false;
        }

        @Override
        public void removeLeftovers(SharedState keep) {
            record("removeLeftovers " + context.family());
        }

        @Override
        public void unlink() {
            record("unlink " + context.family());
        }

        @Override
        public void cleanup() {
            record("cleanup " + context.family());
        }

        @Override
        public void close() {
            record("close " + context.family());
        }
    }
}
