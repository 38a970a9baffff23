// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * The compatibility kit of {@code dev.svcproxy.ipvs}: JUnit 5 tests that every client must pass, the kernel's and
 * the fakes' alike. Extend the contract in your own tests to hold your fake or adapter to what the kernel does; this
 * project runs the same kit against its fake and against the kernel.
 */
module dev.svcproxy.ipvs.testkit {
    requires transitive dev.svcproxy.ipvs;
    requires transitive org.junit.jupiter.api;

    exports dev.svcproxy.ipvs.testkit;
    // JUnit calls the kit's test methods (package-private, as JUnit 5 recommends) reflectively
    opens dev.svcproxy.ipvs.testkit to org.junit.platform.commons;
}
