/** Small runnable tools: {@link dev.svcproxy.samples.ListBackends} shows what the SPIs discover. */
package dev.svcproxy.samples;
