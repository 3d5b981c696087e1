package io.dlock.torture;

/** {@link Fault#CLOCK_JUMP}: jumps a worker's engine clock forward by the planned amount. */
final class ClockJump implements FaultInjector {

    @Override
    public String inject(Schedule.Planned planned, FaultRun run) {
        run.workers().jumpClock(planned.target(), planned.amount());
        return "worker " + planned.target() + " +" + planned.amount().toMillis() + " ms";
    }
}
