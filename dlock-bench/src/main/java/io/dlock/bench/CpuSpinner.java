package io.dlock.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps every CPU busy at the lowest priority while measuring: an idle CPU sleeps in a deep
 * state and wakes slowly, which inflates single-thread latencies unevenly. Each spinner is a
 * {@code nice -n 19} shell loop that ends by itself when this JVM is gone.
 */
final class CpuSpinner implements AutoCloseable {

    private final List<Process> spinners = new ArrayList<>();

    private CpuSpinner() {}

    static CpuSpinner start() {
        CpuSpinner spinner = new CpuSpinner();
        String loop = "p=" + ProcessHandle.current().pid() + "; while kill -0 $p 2>/dev/null; do :; done";
        try {
            for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
                spinner.spinners.add(new ProcessBuilder("nice", "-n", "19", "sh", "-c", loop)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start());
            }
        } catch (IOException e) {
            spinner.close();
            throw new UncheckedIOException("cannot start the CPU spinners", e);
        }
        return spinner;
    }

    @Override
    public void close() {
        spinners.forEach(Process::destroyForcibly);
    }
}
