// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.demo;

import dev.svcproxy.ipvs.IpvsClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code svcproxy demo [--connections N] [--mode iptables|ipvs|nftables]}: how a Service works, in throw-away namespaces. */
public final class DemoCommand {
    private static final Logger LOG = LoggerFactory.getLogger("svcproxy");

    private DemoCommand() {
    }

    /** Runs the demo; returns the exit code (2 for a bad flag, 1 if a connection went astray). */
    public static int run(Optional<String> connections, Optional<String> modeFlag, PrintStream out, PrintStream err) {
        int n;
        try {
            n = Integer.parseInt(connections.orElse("300"));
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > 100_000) {
            LOG.error("--connections: expected a number 1-100000, found '{}'", connections.orElse(""));
            return 2;
        }
        String mode = modeFlag.orElse("iptables");
        if (!mode.equals("iptables") && !mode.equals("ipvs") && !mode.equals("nftables")) {
            LOG.error("--mode: expected iptables, ipvs or nftables, found '{}'", mode);
            return 2;
        }
        if (mode.equals("ipvs") && !IpvsClient.availability().available()) {
            return inKernelVm(n);
        }
        ServiceVipDemo.Result r = ServiceVipDemo.run("svcp-demo-" + ProcessHandle.current().pid(), n, ServiceVipDemo.progress(err), mode);
        ServiceVipDemo.print(r, n, out);
        out.flush();
        return r.hitsFromNode().values().stream().mapToInt(Integer::intValue).sum() == n ? 0 : 1;
    }

    /**
     * IPVS demo on a kernel without IPVS: the same command inside Debian's kernel under qemu, through the
     * checkout's {@code scripts/kernel-vm.sh} (set up on first use), with this distribution on the shared paths.
     */
    private static int inKernelVm(int connections) {
        String reason = IpvsClient.availability().reason();
        Path home = Path.of(System.getProperty("svcproxy.home", ".")).toAbsolutePath().normalize();
        Path root = home.resolve("../../..").normalize(); // samples/target/svcproxy in a checkout
        Path vm = root.resolve("scripts/kernel-vm.sh");
        if (!Files.isRegularFile(vm)) {
            LOG.error("this kernel has no IPVS ({}), and no scripts/kernel-vm.sh beside this distribution to run the demo"
                    + " in a kernel that has it; run it from a checkout, or on a host with IPVS", reason);
            return 1;
        }
        LOG.info("this kernel has no IPVS ({}): running the demo inside Debian's kernel under qemu", reason);
        try {
            String vmDir = System.getenv().getOrDefault("VM_DIR", "/var/tmp/svcproxy-kernel-vm");
            List<List<String>> steps = new ArrayList<>();
            if (!Files.exists(Path.of(vmDir, "kernel.version"))) {
                steps.add(List.of("bash", vm.toString(), "setup"));
            }
            steps.add(List.of("bash", vm.toString(), "run", "-e", "JAVA_TOOL_OPTIONS", "--", home.resolve("bin/svcproxy").toString(),
                    "demo", "--mode", "ipvs", "--connections", String.valueOf(connections)));
            for (List<String> step : steps) {
                ProcessBuilder pb = new ProcessBuilder(step).directory(root.toFile()).inheritIO();
                pb.environment().put("VM_DIR", vmDir);
                pb.environment().put("JAVA_TOOL_OPTIONS", "-Xshare:off");
                int rc = pb.start().waitFor();
                if (rc != 0) {
                    return rc;
                }
            }
            return 0;
        } catch (IOException e) {
            LOG.error("cannot start the kernel VM: {}", e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
