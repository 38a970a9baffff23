// Copyright 2026 The svcproxy Authors
// SPDX-License-Identifier: Apache-2.0
package dev.svcproxy.samples.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The distribution's log format, {@code conf/simplelogger.properties} under {@code svcproxy.home}, handed to
 * slf4j-simple as system properties (which it reads as well as that file on the class path). So the launcher's class
 * path holds no directory, which the JVM's class-data-sharing archive (AppCDS, the image's faster start) requires.
 * A property given to the JVM ({@code -D...}) wins over the file's.
 */
final class LogSettings {

    private LogSettings() {
    }

    static void load() {
        String home = System.getProperty("svcproxy.home");
        if (home == null) {
            return;
        }
        Path file = Path.of(home, "conf", "simplelogger.properties");
        if (!Files.isReadable(file)) {
            return;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            p.load(r);
        } catch (IOException e) {
            System.err.println("svcproxy: cannot read " + file + ": " + e.getMessage());
            return;
        }
        for (String key : p.stringPropertyNames()) {
            if (System.getProperty(key) == null) {
                System.setProperty(key, p.getProperty(key));
            }
        }
    }
}
