// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * A test-only backend named {@code recording}: it programs nothing and records every call it receives, so tests
 * can check what {@code KubeProxy} and the {@code svcproxy} command hand a backend found by {@code ServiceLoader}.
 */
module dev.svcproxy.testing.recording {
    requires transitive dev.svcproxy.api;

    exports dev.svcproxy.testing.recording;

    provides dev.svcproxy.api.spi.ServiceProxyBackendProvider with dev.svcproxy.testing.recording.RecordingBackendProvider;
}
