/** sdk-k8s internals: fabric8 model handling and the Go-duration parser. Not exported. */
package dev.svcproxy.k8s.internal;
