// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.svcproxy.api.netns.NetworkNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backend the command has never heard of, end to end through the launcher: the recording backend's jar dropped in
 * the plug-in directory is selected by {@code --proxy-mode recording} and driven through its whole life cycle, in a
 * throw-away namespace, with no change to sdk-k8s or the command.
 */
@Tag("kernel")
class ThirdPartyBackendKernelTest {

    @Test
    void aBackendJarInThePluginDirectoryIsSelectedByItsModeName(@TempDir Path dir) throws Exception {
        Path jar;
        try (Stream<Path> jars = Files.list(Path.of("../recording-backend/target"))) {
            jar = jars.filter(p -> p.getFileName().toString().matches("recording-backend-[0-9][^-]*(-SNAPSHOT)?\\.jar")).findFirst().orElseThrow();
        }
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(jar, plugins.resolve(jar.getFileName()));
        Files.writeString(dir.resolve("svc.yaml"), SvcproxyTest.MANIFESTS);
        Path events = dir.resolve("events.txt");
        try (NetworkNamespace node = NetworkNamespace.create("svcp-test-rec-" + ProcessHandle.current().pid())) {
            String out = node.sh("SVCPROXY_PLUGIN_DIR=" + plugins + " SVCPROXY_JAVA_OPTS=-Dsvcproxy.recording.file=" + events + " "
                    + SvcproxyKernelTest.LAUNCHER + " run --once --proxy-mode recording --manifests " + dir.resolve("svc.yaml")
                    + " --hostname-override node-a 2>&1; echo rc=$?");
            assertTrue(out.endsWith("rc=0\n") && out.contains("KubeProxy - synced IPv4 (full): 1 services"), out);
            List<String> seen = Files.readAllLines(events);
            assertEquals("create IPv4 masqueradeBit=14 syncPeriod=PT30S netns=-", seen.get(0), seen.toString());
            assertTrue(seen.containsAll(List.of("prepare IPv4", "prepare IPv6", "sync IPv4 default/nginx-service:http",
                    "sync IPv6 default/nginx-service:http", "close IPv4", "close IPv6")), seen.toString());
            String cleanup = node.sh("SVCPROXY_PLUGIN_DIR=" + plugins + " SVCPROXY_JAVA_OPTS=-Dsvcproxy.recording.file=" + events + " "
                    + SvcproxyKernelTest.LAUNCHER + " cleanup 2>&1; echo rc=$?");
            assertTrue(cleanup.endsWith("rc=0\n"), cleanup);
            seen = Files.readAllLines(events);
            assertTrue(seen.indexOf("unlink IPv4") < seen.indexOf("cleanup IPv4") && seen.contains("cleanup IPv6"), seen.toString());
        }
    }
}
