package io.dlock.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The queue order of a container's children, also across the wrap of ZooKeeper's sequence counter. */
class QueueOrderTest {

    private static final String PROTECTION = "_c_8f14e45f-ceea-467a-9575-8c7d3f0b0c2a-";

    /** The name ZooKeeper gives a protected queue node created at child version {@code counter}. */
    private static String node(int counter) {
        return PROTECTION + LockPaths.QUEUE_NODE + String.format(Locale.ENGLISH, "%010d", counter);
    }

    @Test
    void sequenceNumbersAreReadAsZooKeeperWritesThem() {
        assertThat(QueueOrder.sequence(node(42))).contains(42);
        assertThat(node(42)).endsWith("q-0000000042");
        assertThat(QueueOrder.sequence(node(Integer.MAX_VALUE))).contains(Integer.MAX_VALUE);
        assertThat(node(-1)).endsWith("q--000000001");
        assertThat(QueueOrder.sequence(node(-1))).contains(-1);
        assertThat(node(Integer.MIN_VALUE)).endsWith("q--2147483648");
        assertThat(QueueOrder.sequence(node(Integer.MIN_VALUE))).contains(Integer.MIN_VALUE);
        assertThat(QueueOrder.sequence("q-0000000007")).contains(7);
    }

    @Test
    void otherNamesAreNoQueueNodes() {
        for (String name : List.of(
                "holder",
                "keeper",
                "q-",
                "q-42",
                "q-00000000042",
                "q-000000004x",
                "q-9999999999",
                "q--9999999999",
                "q--00000001",
                "q-+000000001",
                "q-0000000042-")) {
            assertThat(QueueOrder.sequence(name)).as(name).isEmpty();
        }
        assertThat(QueueOrder.of(List.of("keeper", node(3), "q-x")).queue()).containsExactly(node(3));
    }

    @Test
    void theQueueIsInCreationOrderWhateverTheListingOrder() {
        List<String> created = List.of(node(7), node(8), node(10), node(11), node(40));
        assertThat(QueueOrder.of(shuffled(created)).queue()).containsExactlyElementsOf(created);
    }

    @Test
    void theQueueStaysInCreationOrderWhenTheCounterWrapsAmongIt() {
        List<String> created = List.of(
                node(Integer.MAX_VALUE - 3),
                node(Integer.MAX_VALUE - 1),
                node(Integer.MAX_VALUE),
                node(Integer.MIN_VALUE),
                node(Integer.MIN_VALUE + 2),
                node(-999_999_999),
                node(-5),
                node(-1));
        for (int from = 0; from < created.size(); from++) {
            List<String> present = created.subList(from, created.size());
            QueueOrder order = QueueOrder.of(shuffled(present));
            assertThat(order.queue()).as("queue from the %d-th node", from).containsExactlyElementsOf(present);
            assertThat(order.holder()).contains(present.get(0));
        }
        QueueOrder order = QueueOrder.of(shuffled(created));
        assertThat(order.blockerOf(node(Integer.MIN_VALUE))).contains(node(Integer.MAX_VALUE));
        assertThat(order.isHead(node(Integer.MAX_VALUE - 3))).isTrue();
    }

    @Test
    void theQueueStaysInCreationOrderWhenTheCounterWrapsToZero() {
        List<String> created = List.of(node(-2), node(-1), node(0), node(1));
        assertThat(QueueOrder.of(shuffled(created)).queue()).containsExactlyElementsOf(created);
    }

    @Test
    void aSimpleHolderBlocksOnlyTheFirstQueueNodeDirectly() {
        QueueOrder order = QueueOrder.of(List.of(node(3), LockPaths.HOLDER, node(1), node(2)));
        assertThat(order.holder()).contains(LockPaths.HOLDER);
        assertThat(order.blockerOf(node(1))).as("first waiter").contains(LockPaths.HOLDER);
        assertThat(order.blockerOf(node(2))).as("second waiter").contains(node(1));
        assertThat(order.blockerOf(node(3))).as("third waiter").contains(node(2));
        assertThat(order.isHead(node(1)))
                .as("the first queue node does not hold")
                .isFalse();
        assertThat(order.waiting()).isEqualTo(3);
    }

    @Test
    void withoutASimpleHolderTheFirstQueueNodeHolds() {
        QueueOrder order = QueueOrder.of(List.of(node(2), node(1)));
        assertThat(order.holder()).contains(node(1));
        assertThat(order.blockerOf(node(1))).isEmpty();
        assertThat(order.blockerOf(node(2))).contains(node(1));
        assertThat(order.isHead(node(1))).isTrue();
        assertThat(order.waiting()).isEqualTo(1);
        assertThat(QueueOrder.of(List.of()).holder()).isEmpty();
        assertThat(QueueOrder.of(List.of()).waiting()).isZero();
    }

    private static List<String> shuffled(List<String> nodes) {
        List<String> copy = new ArrayList<>(nodes);
        Collections.shuffle(copy, new Random(nodes.size()));
        return copy;
    }
}
