/**
 * JMH benchmarks of dlock against round-trip floors and other lock libraries, run by
 * {@link io.dlock.bench.BenchMain}.
 */
@NullMarked
package io.dlock.bench;

import org.jspecify.annotations.NullMarked;
