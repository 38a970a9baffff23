/** sdk-conntrack internals: the ctnetlink codec and the netlink client. Not exported. */
package dev.svcproxy.conntrack.internal;
