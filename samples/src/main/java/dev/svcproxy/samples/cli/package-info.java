/** The {@code svcproxy} command: kube-proxy's job ({@code run}, {@code render}, {@code cleanup}) on svcproxy's SDK. */
package dev.svcproxy.samples.cli;
