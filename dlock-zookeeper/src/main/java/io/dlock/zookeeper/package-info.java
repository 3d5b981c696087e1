/**
 * The ZooKeeper backend of dlock, used through {@code LockClient.connect("zk://…")}: fair
 * (FIFO) queue locks or simple ephemeral-node locks, with fencing tokens, on Apache ZooKeeper
 * through the Curator framework. Nothing here is public API beyond the provider that
 * {@link java.util.ServiceLoader} finds.
 *
 * <h2>URI</h2>
 * <pre>
 * zk://[user:password@]host1:2181,host2:2181,host3:2181[/root][?param=value&amp;…]
 * zks://…   (TLS: the servers' secure client port)
 * </pre>
 * <ul>
 *   <li>{@code user:password} — ZooKeeper digest authentication. Lock nodes are then created with
 *       the ACL "everything for the creator's identity, read for everyone", so a client without
 *       these credentials can see a lock but cannot take or delete it. Every client of a lock
 *       must use the same credentials. Percent-encode {@code '%'}, {@code '/'} and {@code '?'} in
 *       the password ({@code %25}, {@code %2F}, {@code %3F}); a raw {@code '@'} works (the last
 *       {@code '@'} before the servers ends the password), but an {@code '@'} after the servers is
 *       refused, as it most likely ends a password cut short by a raw {@code '/'} or {@code '?'}.</li>
 *   <li>{@code /root} — where the locks live (default {@code /dlock}); created as a container if
 *       missing. Lock {@code n} is the container node {@code <root>/<encoded n>}.</li>
 *   <li>{@code sessionTimeout} (default {@code 10s}) — the session timeout asked of the servers,
 *       which may lower or raise it to their limits (2 to 20 ticks). A crashed holder blocks the
 *       lock for at most this long. Durations are written {@code 500ms}, {@code 10s}, {@code 2m}.</li>
 *   <li>{@code connectionTimeout} (default {@code 5s}) — how long to wait for a connection at
 *       start, and how long an operation waits for a connection before failing.</li>
 *   <li>{@code mode} — {@code fair} (default): a FIFO queue of ephemeral-sequential nodes, each
 *       waiter watching only its predecessor; or {@code simple}: one ephemeral node raced for,
 *       every waiter watching it (no order; a release wakes all waiters of that lock). Clients of
 *       one lock in different modes still exclude each other.</li>
 *   <li>{@code onSuspend} — {@code lose} (default) or {@code grace}: what a suspended connection
 *       does to held locks; see below.</li>
 *   <li>{@code tls} — {@code true} to use TLS, as {@code zks://} does; {@code trustStore},
 *       {@code trustStorePassword}, {@code keyStore}, {@code keyStorePassword} name the stores
 *       (a key store only when the servers want client certificates); unset, ZooKeeper's
 *       {@code zookeeper.ssl.*} system properties apply. Passwords never appear in messages.</li>
 * </ul>
 *
 * <h2>Leases and sessions</h2>
 * <p>A lock is an ephemeral node: it lives as long as the holder's ZooKeeper session, not for a
 * lease, so the engine does not renew it (fixed leases are released by the engine when they
 * end). The servers expire a session that was silent for the session timeout {@code T}; the
 * client notices a silent connection after {@code 2T/3} and Curator reports it SUSPENDED. A
 * lease is never reported valid after its session may have expired:
 * <ul>
 *   <li>{@code onSuspend=lose} (default): at SUSPENDED every lock of the client is reported lost
 *       (listeners fire, {@code isValid()} turns false). If the same session comes back, the
 *       nodes are deleted so the locks are free for others. This leaves at least {@code T/3}
 *       between the report and the earliest expiry at the servers. The price: any disconnection,
 *       even a quick failover to another server of the ensemble, costs every held lock.</li>
 *   <li>{@code onSuspend=grace}: held locks stay valid for {@code T/4} after SUSPENDED; if the
 *       same session is back within it (a failover, a short network blip), nothing is lost.
 *       Otherwise they are reported lost at the end of the grace, still {@code T/12} before the
 *       earliest expiry, a margin for the last heartbeat's round trip and event delivery. This
 *       holds for a suspension the client notices at once (its server died or dropped it); a
 *       connection that goes silent is suspended only after {@code 2T/3}, by when the leader's
 *       confirmation (next) has run out.</li>
 *   <li>Whatever the connection says, the leader must confirm the session: a follower cut off
 *       from the leader answers its clients for {@code syncLimit × tickTime} while the leader
 *       expires their sessions after {@code T}. The client sends a {@code sync} through the
 *       leader every {@code T/6}, and every lock is reported lost, and none granted, once
 *       {@code T - T/12} (less the clock-drift allowance) has passed since the latest moment the
 *       syncs prove the leader heard of the session; see {@code LeaderConfirmation}, which also
 *       states the condition: a session timeout of at least two server ticks.</li>
 *   <li>Either way, LOST (the session expired, or Curator gave it up after {@code T} without a
 *       connection) and a reconnection with a different session report every lock lost.</li>
 * </ul>
 * <p>These bounds assume the holder's process runs: a process paused (long GC, SIGSTOP) longer
 * than the margin can wake up after its session expired and before it is told. Pass the
 * fencing token to the resource you protect; it is what makes a late writer harmless.
 *
 * <h2>Fencing tokens</h2>
 * <p>The token of a grant is the creation zxid of the holder's node. Zxids are assigned by the
 * ensemble's leader in one total order and grow across leader changes and restarts (the epoch is
 * their high half), so every grant of a name gets a larger token than every earlier grant.
 *
 * <h2>Round trips</h2>
 * <p>In fair mode a free lock is taken in one round trip: the queue node's creation and the
 * reading of the queue are pipelined, since a server answers one session's requests in order. A
 * lock whose container was reaped (not used lately) takes one more: the container, the node and
 * the reading, pipelined again. A waiter spends one more setting its watch; woken, it holds at
 * once if it was right behind the holder, and otherwise reads the queue once. A release is one
 * round trip. In simple mode, taking a free lock is two
 * (create, then look for fair waiters), and so is a release (check the owner, then delete).
 *
 * <h2>Lock names</h2>
 * <p>Any dlock name (1 to 256 characters without control characters) works. Characters a
 * ZooKeeper node name cannot hold ({@code '/'}, U+D800–U+F8FF, U+FFF0–U+FFFF), the escape
 * character {@code '%'}, and the names {@code "."} and {@code ".."} are written {@code %XXXX}
 * (four hex digits of the UTF-16 code unit); everything else is kept, so {@code orders:42} is
 * the node {@code /dlock/orders:42}. Lock nodes are containers: the servers delete them
 * once empty, so any number of distinct names leaves nothing behind.
 */
@NullMarked
package io.dlock.zookeeper;

import org.jspecify.annotations.NullMarked;
