/**
 * Redis backends of dlock, used through {@code LockClient.connect("redis://…")}: one Redis node
 * ({@code redis://}, {@code rediss://}). Each operation is one Lua script, run by SHA, on keys
 * {@code dlock:{name}} (hash-tagged for Redis Cluster slots). Nothing here is public API beyond
 * the provider that {@link java.util.ServiceLoader} finds.
 */
package io.dlock.redis;
