package io.dlock.torture;

import java.io.Serializable;
import java.time.Duration;

/**
 * How long the lock service took to grant a lock again after one fault was healed: the
 * time-to-recover of that fault.
 *
 * @param fault the fault
 * @param time from the fault's end to the end of the first successful acquisition after it; when
 *     none came, to the end of the history
 * @param recovered false when no acquisition succeeded after the fault
 */
public record Recovery(FaultEvent fault, Duration time, boolean recovered) implements Serializable {}
