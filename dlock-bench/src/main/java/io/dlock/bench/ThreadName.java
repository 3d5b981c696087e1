package io.dlock.bench;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** A lock name of the benchmark thread's own, so threads never contend. */
@State(Scope.Thread)
public class ThreadName {

    private static final AtomicInteger NEXT = new AtomicInteger();

    final String name = "bench:distinct:" + NEXT.incrementAndGet();
}
