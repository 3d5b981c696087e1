/**
 * What a dlock backend needs to prove itself against real servers: launchers for
 * {@code redis-server} and ZooKeeper processes on free loopback ports that never outlive the JVM
 * ({@link io.dlock.testkit.RedisServer}, {@link io.dlock.testkit.ZooKeeperServer},
 * {@link io.dlock.testkit.ManagedProcesses}), fault injection (kill, pause, restart without data,
 * a freezable {@link io.dlock.testkit.TcpProxy}), the contract every backend's tests extend
 * ({@link io.dlock.testkit.LockBackendContract}), the in-memory reference backend and a manual
 * clock for engine tests without sleeping ({@link io.dlock.testkit.InMemoryLockServer},
 * {@link io.dlock.testkit.ManualTime}), and polling with deadlines ({@link io.dlock.testkit.Poll}).
 *
 * <p>Server handles are safe to use from the test's threads; the contract and the manual clock
 * document their own thread safety.
 */
@NullMarked
package io.dlock.testkit;

import org.jspecify.annotations.NullMarked;
