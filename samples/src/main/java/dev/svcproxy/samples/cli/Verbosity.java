// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.cli;

/**
 * kube-proxy's {@code -v} / {@code logging.verbosity} on the distribution's SLF4J provider (slf4j-simple): 0-3 log at
 * info, 4-5 at debug (sync timings, conntrack deletions, netlink messages), 6 and more at trace. slf4j-simple reads
 * its level once, when the first logger is made, so this runs before anything logs.
 */
final class Verbosity {
    static final String PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

    private Verbosity() {
    }

    static String level(int verbosity) {
        return verbosity >= 6 ? "trace" : verbosity >= 4 ? "debug" : "info";
    }

    /** Sets the level for {@code verbosity} above 0 (over {@code conf/simplelogger.properties}' level). */
    static void apply(int verbosity) {
        if (verbosity > 0) {
            System.setProperty(PROPERTY, level(verbosity));
        }
    }
}
