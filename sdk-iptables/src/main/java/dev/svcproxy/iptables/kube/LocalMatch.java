// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.kube;

import dev.svcproxy.api.spi.BackendContext;
import dev.svcproxy.api.spi.LocalTraffic;
import dev.svcproxy.iptables.Rule;

/** kube-proxy's local-traffic detector as matches: {@code -s CIDR}, {@code -i BRIDGE}, {@code -i PREFIX+}, or their negations. */
public final class LocalMatch {

    private LocalMatch() {
    }

    /**
     * Adds the matches for traffic from this node's pods.
     *
     * @param b the rule being built
     * @param context the proxy's settings for the family
     * @return the builder
     */
    public static Rule.Builder ifLocal(Rule.Builder b, BackendContext context) {
        return apply(b, context, false);
    }

    /**
     * Adds the matches for traffic not from this node's pods.
     *
     * @param b the rule being built
     * @param context the proxy's settings for the family
     * @return the builder
     */
    public static Rule.Builder ifNotLocal(Rule.Builder b, BackendContext context) {
        return apply(b, context, true);
    }

    private static Rule.Builder apply(Rule.Builder b, BackendContext context, boolean negated) {
        LocalTraffic lt = context.localTraffic();
        if (lt instanceof LocalTraffic.FromCidrs c) {
            c.cidrs().stream().filter(x -> x.family() == context.family()).findFirst().ifPresent(x -> b.source(x, negated));
        } else if (lt instanceof LocalTraffic.FromBridge br) {
            if (negated) {
                b.notInInterface(br.bridge());
            } else {
                b.inInterface(br.bridge());
            }
        } else if (lt instanceof LocalTraffic.FromInterfacePrefix p) {
            if (negated) {
                b.notInInterface(p.prefix() + "+");
            } else {
                b.inInterface(p.prefix() + "+");
            }
        }
        return b;
    }
}
