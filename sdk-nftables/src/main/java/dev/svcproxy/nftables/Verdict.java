// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables;

import dev.svcproxy.api.InvalidInputException;
import java.util.Optional;

/** A verdict: {@code accept}, {@code drop}, {@code return}, {@code continue}, or {@code jump}/{@code goto} a chain. */
public record Verdict(Kind kind, Optional<String> chain) {

    /** The verdicts, with the kernel's codes (NF_DROP, NF_ACCEPT, NFT_CONTINUE, NFT_JUMP, NFT_GOTO, NFT_RETURN). */
    public enum Kind {
        /** {@code drop}. */
        DROP(0),
        /** {@code accept}. */
        ACCEPT(1),
        /** {@code continue}: on to the next rule. */
        CONTINUE(-1),
        /** {@code jump CHAIN}: to a chain, then back. */
        JUMP(-3),
        /** {@code goto CHAIN}: to a chain, not back. */
        GOTO(-4),
        /** {@code return}: back to the calling chain. */
        RETURN(-5);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        /**
         * The kernel's code.
         *
         * @return e.g. 1 for accept
         */
        public int code() {
            return code;
        }

        /**
         * The verdict with the kernel's code.
         *
         * @param code the kernel's code
         * @return the kind
         * @throws InvalidInputException for an unknown code
         */
        public static Kind ofCode(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            throw new InvalidInputException("unknown verdict code " + code, "verdict");
        }
    }

    /** {@code accept}. */
    public static final Verdict ACCEPT = new Verdict(Kind.ACCEPT, Optional.empty());
    /** {@code drop}. */
    public static final Verdict DROP = new Verdict(Kind.DROP, Optional.empty());
    /** {@code return}. */
    public static final Verdict RETURN = new Verdict(Kind.RETURN, Optional.empty());
    /** {@code continue}. */
    public static final Verdict CONTINUE = new Verdict(Kind.CONTINUE, Optional.empty());

    /**
     * A verdict.
     *
     * @param kind its kind
     * @param chain the chain, for jump and goto only
     * @throws InvalidInputException for a chain missing or given where it does not belong
     */
    public Verdict {
        boolean needsChain = kind == Kind.JUMP || kind == Kind.GOTO;
        if (needsChain != chain.isPresent()) {
            throw new InvalidInputException(needsChain ? "needs a chain" : "takes no chain", kind.name().toLowerCase());
        }
        chain.ifPresent(c -> Names.check(c, "chain"));
    }

    /**
     * {@code jump CHAIN}.
     *
     * @param chain the chain's name
     * @return the verdict
     */
    public static Verdict jump(String chain) {
        return new Verdict(Kind.JUMP, Optional.of(chain));
    }

    /**
     * {@code goto CHAIN}.
     *
     * @param chain the chain's name
     * @return the verdict
     */
    public static Verdict goTo(String chain) {
        return new Verdict(Kind.GOTO, Optional.of(chain));
    }

    @Override
    public String toString() {
        String k = kind == Kind.GOTO ? "goto" : kind.name().toLowerCase();
        return chain.map(c -> k + " " + Names.print(c)).orElse(k);
    }
}
