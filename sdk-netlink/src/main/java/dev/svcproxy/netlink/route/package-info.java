/** rtnetlink helpers: dummy interfaces (e.g. IPVS's {@code kube-ipvs0}) and their addresses. */
package dev.svcproxy.netlink.route;
