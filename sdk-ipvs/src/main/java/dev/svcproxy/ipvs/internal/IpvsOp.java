// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs.internal;

import dev.svcproxy.ipvs.Destination;
import dev.svcproxy.ipvs.IpvsSave;
import dev.svcproxy.ipvs.ServiceKey;
import dev.svcproxy.ipvs.VirtualServer;

/** One change to an IPVS table; {@link #toString()} says it in ipvsadm's words. */
public sealed interface IpvsOp {

    record AddService(VirtualServer service) implements IpvsOp {
        @Override
        public String toString() {
            return IpvsSave.service(service);
        }
    }

    record EditService(VirtualServer service) implements IpvsOp {
        @Override
        public String toString() {
            return "-E" + IpvsSave.service(service).substring(2);
        }
    }

    record DeleteService(ServiceKey key) implements IpvsOp {
        @Override
        public String toString() {
            return "-D " + key;
        }
    }

    record AddDestination(ServiceKey key, Destination destination) implements IpvsOp {
        @Override
        public String toString() {
            return IpvsSave.destination(key, destination);
        }
    }

    record EditDestination(ServiceKey key, Destination destination) implements IpvsOp {
        @Override
        public String toString() {
            return "-e" + IpvsSave.destination(key, destination).substring(2);
        }
    }

    record DeleteDestination(ServiceKey key, Destination destination) implements IpvsOp {
        @Override
        public String toString() {
            return "-d " + key + " -r " + destination.hostPort();
        }
    }
}
