// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.api.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.SvcProxyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Scratch namespaces are real, and all of them go away on close, newest first, even when a client fails to close. */
@Tag("kernel")
class ScratchNamespacesKernelTest {

    @Test
    void closeDeletesEveryNamespaceNewestFirstEvenWhenAClientFails() {
        List<String> closed = new ArrayList<>();
        List<Path> paths = new ArrayList<>();
        ScratchNamespaces scratch = new ScratchNamespaces("svcp-test-scratch");
        try {
            AutoCloseable first = scratch.open(path -> {
                paths.add(path);
                return () -> closed.add("first");
            });
            AutoCloseable failing = scratch.open(path -> {
                paths.add(path);
                return () -> {
                    closed.add("failing");
                    throw new IllegalStateException("boom");
                };
            });
            NetworkNamespace plain = scratch.create();
            paths.add(plain.path());
            assertEquals("lo", plain.exec("ip", "-o", "link", "show", "lo").split(":")[1].strip(), "a real namespace");
            assertTrue(paths.stream().allMatch(Files::exists), paths.toString());
            assertTrue(first != failing);
        } finally {
            SvcProxyException e = assertThrows(SvcProxyException.class, scratch::close);
            assertTrue(e.getMessage().contains("boom"), e.getMessage());
        }
        assertEquals(List.of("failing", "first"), closed, "clients closed newest first, all of them");
        assertEquals(3, paths.size());
        paths.forEach(p -> assertFalse(Files.exists(p), p + " deleted"));
    }
}
