/** Generic netlink: resolving a family (e.g. {@code IPVS}) to its id, version and multicast groups. */
package dev.svcproxy.netlink.genl;
