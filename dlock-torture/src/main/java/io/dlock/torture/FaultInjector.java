package io.dlock.torture;

import com.google.errorprone.annotations.Immutable;

/**
 * Injects one kind of {@link Fault} and heals it: one implementation per fault, each in its own
 * class, so that what a fault does is read in one place. Stateless: what a run needs comes in
 * {@link FaultRun}.
 */
@Immutable
interface FaultInjector {

    /**
     * Injects {@code planned}, waits out its length, and heals it, so that the next fault meets
     * a whole cluster; notes what it saw and reports what failed through {@code run}.
     *
     * @return what it hit: a server's or worker's name, or a description of the cut
     * @throws RuntimeException when the fault could not be injected at all
     */
    String inject(Schedule.Planned planned, FaultRun run);
}
