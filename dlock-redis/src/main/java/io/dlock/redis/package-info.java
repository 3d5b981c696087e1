/**
 * Redis backends of dlock, used through {@code LockClient.connect(uri)}: one Redis node
 * ({@code redis://}, {@code rediss://}) and Redlock over N independent masters
 * ({@code redlock://h1:p1,h2:p2,h3:p3} or a list of node URIs). Each operation is one Lua script, run by SHA, on keys
 * {@code dlock:{name}} (hash-tagged for Redis Cluster slots). Nothing here is public API beyond
 * the provider that {@link java.util.ServiceLoader} finds.
 */
@NullMarked
package io.dlock.redis;

import org.jspecify.annotations.NullMarked;
