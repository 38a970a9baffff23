/** The iptables demo: a node and three pods made of network namespaces, a ClusterIP programmed through the SDK, real traffic. */
package dev.svcproxy.samples.demo;
