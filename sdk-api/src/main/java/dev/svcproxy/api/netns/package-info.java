/** Named network namespaces ({@code ip netns}): made, used as targets for clients, and deleted; for CNI plugins, demos and tests. */
package dev.svcproxy.api.netns;
