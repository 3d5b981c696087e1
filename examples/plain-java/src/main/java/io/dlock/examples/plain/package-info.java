/** Processes incrementing a counter in a fenced file under a dlock lock, without a framework. */
@NullMarked
package io.dlock.examples.plain;

import org.jspecify.annotations.NullMarked;
