package io.dlock.torture;

import java.io.Serializable;

/**
 * A fault as the nemesis carried it out.
 *
 * @param fault what was done
 * @param target the server or worker it was done to
 * @param start when it began, on {@link System#nanoTime()}
 * @param end when it was healed (server back, worker resumed, connections thawed)
 * @param observed what the nemesis saw the fault do (a ZooKeeper session the servers expired, the
 *     holder a pause caught, a new leader); empty where it checks nothing
 */
public record FaultEvent(Fault fault, String target, long start, long end, String observed) implements Serializable {}
