package io.dlock.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ExecutableLookup} tells 127 from 126 as execvp(3) and the JDK's start of a process do. */
class ExecutableLookupTest {

    @TempDir
    Path dir;

    private Path file(String name, String permissions) throws IOException {
        Path file = Files.writeString(dir.resolve(name), "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        return file;
    }

    private static int exitCodeOf(String command, Optional<String> path) {
        try {
            ExecutableLookup.check(command, path);
            return 0;
        } catch (CannotRunException e) {
            return e.exitCode();
        }
    }

    @Test
    void aPathIsCheckedAsItIs() throws IOException {
        Path executable = file("run-me", "rwxr-xr-x");
        Path plain = file("plain", "rw-r--r--");
        assertThat(exitCodeOf(executable.toString(), Optional.empty())).isZero();
        assertThat(exitCodeOf(dir.resolve("missing").toString(), Optional.empty()))
                .isEqualTo(127);
        assertThat(exitCodeOf(plain.toString(), Optional.empty())).isEqualTo(126);
        assertThat(exitCodeOf(dir.toString(), Optional.empty()))
                .as("a directory")
                .isEqualTo(126);
        assertThatThrownBy(() -> ExecutableLookup.check(plain.toString(), Optional.empty()))
                .hasMessage("Permission denied");
    }

    @Test
    void aNameIsSearchedOnThePathSkippingWhatCannotBeExecuted() throws IOException {
        Path first = Files.createDirectory(dir.resolve("first"));
        Path second = Files.createDirectory(dir.resolve("second"));
        Files.setPosixFilePermissions(
                Files.writeString(first.resolve("tool"), "x"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(
                Files.writeString(second.resolve("tool"), "x"), PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThatCode(() -> ExecutableLookup.check("tool", Optional.of(first + ":" + second)))
                .doesNotThrowAnyException();
        assertThat(exitCodeOf("tool", Optional.of(first.toString())))
                .as("only a file without x")
                .isEqualTo(126);
        assertThat(exitCodeOf("missing", Optional.of(first + ":" + second))).isEqualTo(127);
        assertThatThrownBy(() -> ExecutableLookup.check("missing", Optional.of(first.toString())))
                .hasMessage("No such file or directory");
        assertThat(exitCodeOf("", Optional.of(second.toString())))
                .as("an empty name")
                .isEqualTo(127);
    }

    @Test
    void withoutAPathTheDefaultOneIsSearched() {
        assertThat(exitCodeOf("sh", Optional.empty()))
                .as("sh in /bin or /usr/bin")
                .isZero();
    }
}
