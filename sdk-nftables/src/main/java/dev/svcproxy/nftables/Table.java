// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.nftables;

import java.util.Optional;

/** A table: a family and a name, with an optional comment. {@code toString()} is {@code table ip NAME}. */
public record Table(Family family, String name, Optional<String> comment) {

    /**
     * A table.
     *
     * @param name its name
     * @param family its family
     * @param comment its comment, if any
     * @throws dev.svcproxy.api.InvalidInputException for a bad name or comment
     */
    public Table {
        Names.check(name, "table");
        comment.ifPresent(Names::comment);
    }

    /**
     * A table without a comment.
     *
     * @param family its family
     * @param name its name
     * @return the table
     */
    public static Table of(Family family, String name) {
        return new Table(family, name, Optional.empty());
    }

    /**
     * This table with a comment.
     *
     * @param text the comment
     * @return a new table
     */
    public Table withComment(String text) {
        return new Table(family, name, Optional.of(text));
    }

    /**
     * {@code ip NAME}: how commands name this table.
     *
     * @return {@code ip NAME}
     */
    public String reference() {
        return family + " " + Names.print(name);
    }

    @Override
    public String toString() {
        return "table " + reference() + comment.map(c -> " { comment " + Names.quote(c) + "; }").orElse("");
    }
}
