package io.dlock.torture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The faults each backend claims to tolerate are those the torture table of docs/guarantees.md says. */
class BackendKindTest {

    /** The page with the torture table, from this module's directory (where Maven runs the tests). */
    private static final Path PAGE = Path.of("..", "docs", "guarantees.md");

    @Test
    void toleratedFaultsAreTheTablesAndTheTableCoversEveryFault() throws IOException {
        Map<Fault, List<String>> table = tortureTable();
        assertThat(table.keySet())
                .as("a row for every fault but NONE")
                .containsExactlyInAnyOrder(List.of(Fault.values()).stream()
                        .filter(f -> f != Fault.NONE)
                        .toArray(Fault[]::new));
        BackendKind[] columns = {BackendKind.REDIS, BackendKind.REDLOCK, BackendKind.ZOOKEEPER};
        table.forEach((fault, cells) -> {
            for (int c = 0; c < columns.length; c++) {
                BackendKind backend = columns[c];
                String expected = !fault.appliesTo(backend)
                        ? "-"
                        : backend.toleratedFaults().contains(fault) ? "yes" : "no";
                assertThat(cells.get(c))
                        .as("guarantees.md: " + fault + " on " + backend)
                        .isEqualTo(expected);
            }
        });
        for (BackendKind backend : BackendKind.values()) {
            assertThat(backend.toleratedFaults())
                    .as("a quiet run keeps exclusion")
                    .contains(Fault.NONE);
        }
    }

    /** The rows of the table whose first column is a fault name in backquotes. */
    private static Map<Fault, List<String>> tortureTable() throws IOException {
        Map<Fault, List<String>> rows = new EnumMap<>(Fault.class);
        boolean inTable = false;
        for (String line : Files.readAllLines(PAGE)) {
            if (line.startsWith("| torture fault | redis | redlock | zookeeper |")) {
                inTable = true;
            } else if (inTable && !line.startsWith("|")) {
                break;
            } else if (inTable && line.startsWith("| `")) {
                List<String> cells = List.of(
                                line.substring(1, line.length() - 1).split("\\|"))
                        .stream()
                        .map(String::trim)
                        .toList();
                rows.put(Fault.valueOf(cells.get(0).replace("`", "")), cells.subList(1, cells.size()));
            }
        }
        assertThat(rows)
                .as("the torture table in " + PAGE.toAbsolutePath().normalize())
                .isNotEmpty();
        return rows;
    }
}
