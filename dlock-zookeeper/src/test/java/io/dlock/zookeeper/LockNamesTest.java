package io.dlock.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.zookeeper.common.PathUtils;
import org.junit.jupiter.api.Test;

/** Lock names map to valid ZooKeeper node names, and back, so different names never share a node. */
class LockNamesTest {

    private static final List<String> NAMES = List.of(
            "orders:42",
            "/",
            "%002F",
            "%",
            ".",
            "..",
            "...",
            "a/b/../c",
            "zookeeper",
            "grüße ñ",
            "\uD83D\uDE00",
            "\uD800",
            "\uDFFF",
            "\uE000",
            "\uF8FF",
            "\uFFF0",
            "\uFFFF",
            " ",
            "x".repeat(256),
            "\u00A0nbsp",
            "tab\u2028sep");

    @Test
    void everyNameRoundTripsAndIsAValidNodeName() {
        for (String name : NAMES) {
            String node = LockNames.encode(name);
            assertThat(decode(node)).as("round trip of %s", name).isEqualTo(name);
            PathUtils.validatePath("/dlock/" + node); // throws for an invalid name
            assertThat(node).doesNotContain("/").isNotIn(".", "..");
        }
    }

    @Test
    void differentNamesGiveDifferentNodes() {
        Set<String> nodes = new HashSet<>();
        for (String name : NAMES) {
            assertThat(nodes.add(LockNames.encode(name)))
                    .as("collision for %s", name)
                    .isTrue();
        }
    }

    @Test
    void ordinaryNamesStayReadable() {
        assertThat(LockNames.encode("orders:42")).isEqualTo("orders:42");
        assertThat(LockNames.encode("a/b")).isEqualTo("a%002Fb");
        assertThat(LockNames.encode("..")).isEqualTo("%002E%002E");
        assertThat(LockNames.encode("x".repeat(256))).hasSize(256);
    }

    /** The inverse of the encoding as LockNames documents it: its existence proves the encoding injective. */
    private static String decode(String node) {
        StringBuilder name = new StringBuilder(node.length());
        for (int i = 0; i < node.length(); i++) {
            char c = node.charAt(i);
            if (c == '%') {
                name.append((char) Integer.parseInt(node.substring(i + 1, i + 5), 16));
                i += 4;
            } else {
                name.append(c);
            }
        }
        return name.toString();
    }
}
