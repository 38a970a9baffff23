// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.k8s.internal;

import java.util.concurrent.ThreadFactory;

/** Threads that never keep the JVM alive, named for thread dumps. */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /**
     * A factory of daemon threads named {@code name}.
     *
     * @param name the threads' name
     * @return a factory of daemon threads named {@code name}
     */
    public static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
