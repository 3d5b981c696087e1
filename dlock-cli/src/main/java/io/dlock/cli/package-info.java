/**
 * The {@code dlock} command: run a program while holding a lock, inspect locks, run the demo and
 * the benchmarks. Only {@link io.dlock.cli.Main#main(String[])} is meant to be called.
 */
@NullMarked
package io.dlock.cli;

import org.jspecify.annotations.NullMarked;
