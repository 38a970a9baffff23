// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.ipvs;

import dev.svcproxy.api.InvalidInputException;
import java.util.EnumSet;
import java.util.Set;

/**
 * A virtual service's flags, named as {@code ipvsadm -b} names them. The scheduler flag bits mean different things
 * per scheduler: for {@code sh} they are SH_FALLBACK/SH_PORT, for {@code mh} MH_FALLBACK/MH_PORT, for any other
 * scheduler FLAG_1/FLAG_2; FLAG_3 is the same for all. Persistence is not a flag here but
 * {@link VirtualServer#persistenceTimeout()}; the kernel's "hashed" bit is its own business.
 */
public enum ServiceFlag {
    /** One-packet scheduling: every UDP datagram is scheduled on its own ({@code ipvsadm -o}). */
    ONE_PACKET(0x4, "ops", null),
    /** {@code sh}: fall back to another real server when the chosen one is unavailable. */
    SH_FALLBACK(0x8, "sh-fallback", "sh"),
    /** {@code sh}: hash the source port too. */
    SH_PORT(0x10, "sh-port", "sh"),
    /** {@code mh}: fall back to another real server when the chosen one is unavailable. */
    MH_FALLBACK(0x8, "mh-fallback", "mh"),
    /** {@code mh}: hash the source port too. */
    MH_PORT(0x10, "mh-port", "mh"),
    /** Scheduler flag 1, for schedulers other than {@code sh} and {@code mh}. */
    FLAG_1(0x8, "flag-1", ""),
    /** Scheduler flag 2, for schedulers other than {@code sh} and {@code mh}. */
    FLAG_2(0x10, "flag-2", ""),
    /** Scheduler flag 3, for every scheduler. */
    FLAG_3(0x20, "flag-3", null);

    static final int PERSISTENT = 0x1;
    static final int HASHED = 0x2;

    private final int bit;
    private final String ipvsadmName;
    /** The scheduler these bits belong to; "" for schedulers other than sh and mh; null for any. */
    private final String scheduler;

    ServiceFlag(int bit, String ipvsadmName, String scheduler) {
        this.bit = bit;
        this.ipvsadmName = ipvsadmName;
        this.scheduler = scheduler;
    }

    /**
     * The flag's bit in the kernel's flags word.
     *
     * @return the bit
     */
    public int bit() {
        return bit;
    }

    /**
     * {@code sh-port}, {@code flag-1}, ... ({@code ops} for ONE_PACKET, which ipvsadm sets with {@code -o}).
     *
     * @return the name
     */
    public String ipvsadmName() {
        return ipvsadmName;
    }

    private boolean appliesTo(String sched) {
        if (scheduler == null) {
            return true;
        }
        boolean named = sched.equals("sh") || sched.equals("mh");
        return scheduler.isEmpty() ? !named : scheduler.equals(sched);
    }

    /**
     * The flags in {@code bits} as {@code scheduler} reads them.
     *
     * @param bits the kernel's flags word
     * @param scheduler the service's scheduler
     * @return the flags
     */
    public static Set<ServiceFlag> decode(long bits, String scheduler) {
        Set<ServiceFlag> out = EnumSet.noneOf(ServiceFlag.class);
        for (ServiceFlag f : values()) {
            if ((bits & f.bit) != 0 && f.appliesTo(scheduler)) {
                out.add(f);
            }
        }
        return out;
    }

    /** Refuses a flag that means something else for {@code scheduler} (e.g. SH_PORT on an rr service). */
    static void check(Set<ServiceFlag> flags, String scheduler, String object) {
        for (ServiceFlag f : flags) {
            if (!f.appliesTo(scheduler)) {
                throw new InvalidInputException("flag " + f.ipvsadmName + " does not apply to scheduler " + scheduler, object);
            }
        }
    }

    /**
     * The flag bits of {@code flags}.
     *
     * @param flags the flags
     * @return their bits
     */
    public static int bits(Set<ServiceFlag> flags) {
        int b = 0;
        for (ServiceFlag f : flags) {
            b |= f.bit;
        }
        return b;
    }
}
