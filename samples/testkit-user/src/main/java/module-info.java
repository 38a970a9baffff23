// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
/**
 * A user's module that holds its own ipset adapter ({@code CountingIpsetClient}) to svcproxy's ipset compatibility
 * kit on the module path: it requires the kit, so its tests run with the kit, JUnit and svcproxy as named modules.
 */
module dev.svcproxy.samples.testkit {
    requires transitive dev.svcproxy.ipset;
    requires dev.svcproxy.ipset.testkit;

    exports dev.svcproxy.samples.testkit;
}
