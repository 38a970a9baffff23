/** The error types every svcproxy module throws: one unchecked root, {@link dev.svcproxy.api.SvcProxyException}, and its subtypes. */
package dev.svcproxy.api;
