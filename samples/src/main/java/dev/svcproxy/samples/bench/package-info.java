/** Benchmark runners: our cost measured against the kernel tools' own cost, in the same run. */
package dev.svcproxy.samples.bench;
