// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables;

import dev.svcproxy.api.InvalidInputException;
import java.util.Optional;

/** A verdict: {@code accept}, {@code drop}, {@code return}, {@code continue}, or {@code jump}/{@code goto} a chain. */
public record Verdict(Kind kind, Optional<String> chain) {

    /** The verdicts, with the kernel's codes (NF_DROP, NF_ACCEPT, NFT_CONTINUE, NFT_JUMP, NFT_GOTO, NFT_RETURN). */
    public enum Kind {
        DROP(0), ACCEPT(1), CONTINUE(-1), JUMP(-3), GOTO(-4), RETURN(-5);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        public static Kind ofCode(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            throw new InvalidInputException("unknown verdict code " + code, "verdict");
        }
    }

    public static final Verdict ACCEPT = new Verdict(Kind.ACCEPT, Optional.empty());
    public static final Verdict DROP = new Verdict(Kind.DROP, Optional.empty());
    public static final Verdict RETURN = new Verdict(Kind.RETURN, Optional.empty());
    public static final Verdict CONTINUE = new Verdict(Kind.CONTINUE, Optional.empty());

    public Verdict {
        boolean needsChain = kind == Kind.JUMP || kind == Kind.GOTO;
        if (needsChain != chain.isPresent()) {
            throw new InvalidInputException(needsChain ? "needs a chain" : "takes no chain", kind.name().toLowerCase());
        }
        chain.ifPresent(c -> Names.check(c, "chain"));
    }

    public static Verdict jump(String chain) {
        return new Verdict(Kind.JUMP, Optional.of(chain));
    }

    public static Verdict goTo(String chain) {
        return new Verdict(Kind.GOTO, Optional.of(chain));
    }

    @Override
    public String toString() {
        String k = kind == Kind.GOTO ? "goto" : kind.name().toLowerCase();
        return chain.map(c -> k + " " + Names.print(c)).orElse(k);
    }
}
