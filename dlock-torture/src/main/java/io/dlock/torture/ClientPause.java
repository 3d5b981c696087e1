package io.dlock.torture;

import java.time.Duration;
import java.util.Optional;

/** {@link Fault#CLIENT_PAUSE}: stops a worker JVM (SIGSTOP) for the fault's length, as a long GC pause would. */
final class ClientPause implements FaultInjector {

    /** How long to wait for the worker to be in a hold before pausing it anyway. */
    private static final Duration AIM_PATIENCE = Duration.ofSeconds(2);

    @Override
    public String inject(Schedule.Planned planned, FaultRun run) {
        // Aim at a holder between its read and its write: the pause then reliably overruns a
        // lease that is held, which is what the fault is about.
        WorkerFleet workers = run.workers();
        Optional<String> holder = workers.awaitHolding(planned.target(), AIM_PATIENCE);
        workers.pause(planned.target());
        try {
            FaultRun.parkFor(planned.length().toNanos());
        } finally {
            workers.resume(planned.target());
        }
        run.note(holder.map(h -> "paused while " + h)
                .orElse("no thread was in its hold within " + AIM_PATIENCE.toMillis() + " ms; paused anyway"));
        return "worker " + planned.target();
    }
}
