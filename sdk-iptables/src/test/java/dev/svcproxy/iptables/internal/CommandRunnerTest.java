// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.iptables.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A tool's input streamed through a pipe or written to a file first: the tool reads the same, and no file stays. */
class CommandRunnerTest {
    private final CommandRunner runner = new CommandRunner(Optional.empty(), Duration.ofSeconds(30));

    private static long inputFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("svcproxy-input")).count();
        }
    }

    @Test
    void aToolReadsTheSameFromAFileAsFromThePipeAndTheFileIsGoneAfterwards() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            text.append("-A KUBE-SVC-").append(i).append(" -j ACCEPT \u00e9\n"); // 500 KB, not ASCII only
        }
        long before = inputFiles();
        CommandRunner.Result fromFile = runner.fromFile(List.of("sha256sum"), w -> w.write(text.toString()));
        CommandRunner.Result streamed = runner.stream(List.of("sha256sum"), w -> w.write(text.toString()));
        assertEquals(0, fromFile.exit(), fromFile.stderr());
        assertEquals(streamed.stdout(), fromFile.stdout(), "the same bytes reach the tool");
        assertEquals(before, inputFiles(), "the temporary file is deleted");
    }

    @Test
    void aToolThatFailsReadingAFileReportsItsStatusAndTheFileIsGone() throws IOException {
        long before = inputFiles();
        CommandRunner.Result r = runner.fromFile(List.of("sh", "-c", "cat >/dev/null; echo refused >&2; exit 3"), w -> w.write("x\n"));
        assertEquals(3, r.exit());
        assertEquals("refused\n", r.stderr());
        assertEquals(before, inputFiles());
    }
}
