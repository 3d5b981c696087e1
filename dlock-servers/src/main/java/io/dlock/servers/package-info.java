/**
 * Real lock servers for the demo and for tests: launchers for {@code redis-server} (from
 * {@code $REDIS_SERVER}, the PATH, or the binary bundled in a Maven artifact) and ZooKeeper
 * servers and ensembles on free loopback ports ({@link io.dlock.servers.RedisServer},
 * {@link io.dlock.servers.RedisServers}, {@link io.dlock.servers.ZooKeeperServer},
 * {@link io.dlock.servers.ZooKeeperEnsemble}), processes that never outlive the JVM
 * ({@link io.dlock.servers.ManagedProcesses}), and the faults to inject: kill, pause, restart
 * without data, a freezable and resettable {@link io.dlock.servers.TcpProxy}, a holder JVM to
 * kill ({@link io.dlock.servers.HolderProcess}), timers that freeze
 * ({@link io.dlock.servers.PausableScheduler}), TLS material ({@link io.dlock.servers.TlsMaterial}).
 *
 * <p>No test framework: the {@code dlock demo} command ships it. Server handles are safe to use
 * from several threads.
 */
@NullMarked
package io.dlock.servers;

import org.jspecify.annotations.NullMarked;
