/**
 * A fault-injection safety suite in the style of Jepsen, on one machine and loopback only:
 * worker JVMs take locks and read-modify-write a fenced store while a nemesis crashes, pauses
 * and cuts off servers and clients on a seeded schedule; a checker then reads the history and
 * the store's log and counts mutual-exclusion violations, stale writes, tokens that failed to
 * increase, lost increments and unavailability.
 *
 * <p>Entry point: {@link io.dlock.torture.TortureRun#run(Scenario)}. The harness knows
 * backends only by URI; the backends must be on the class path of the JVM that runs it, which
 * is also the workers' class path. Runs with network partitions execute in a JVM of their own
 * inside a private network namespace, where iptables rules cut links between the processes;
 * where that is not possible (not root), they are skipped, and say so.
 */
@NullMarked
package io.dlock.torture;

import org.jspecify.annotations.NullMarked;
