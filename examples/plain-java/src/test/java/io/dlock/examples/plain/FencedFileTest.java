package io.dlock.examples.plain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example's store refuses stale tokens, on reads and writes alike. */
class FencedFileTest {

    @TempDir
    Path directory;

    @Test
    void aHolderWithTheNewestTokenReadsAndWrites() {
        FencedFile store = new FencedFile(directory.resolve("counter"));
        assertThat(store.read(5)).isZero();
        store.write(5, 1);
        assertThat(store.read(7)).isEqualTo(1);
        store.write(7, 2);
        assertThat(store.read(7)).isEqualTo(2);
    }

    @Test
    void aStaleHolderCannotInterleaveWithTheNewOne() {
        FencedFile store = new FencedFile(directory.resolve("counter"));
        long staleRead = store.read(5);
        assertThat(store.read(6)).isEqualTo(staleRead); // the next holder read: 5 is stale from here on
        assertThatThrownBy(() -> store.write(5, staleRead + 1))
                .isInstanceOf(FencedFile.StaleTokenException.class)
                .hasMessageContaining("fencing token 5 is lower than 6");
        assertThatThrownBy(() -> store.read(4)).isInstanceOf(FencedFile.StaleTokenException.class);
        store.write(6, staleRead + 1);
        assertThat(store.read(6)).isEqualTo(1);
    }
}
