/** A sample {@link dev.svcproxy.api.spi.Scheduler} plug-in, registered through the module and META-INF/services. */
package dev.svcproxy.samples.scheduler;
