package io.dlock.cli;

import io.dlock.LockClient;
import io.dlock.LockState;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dlock status}: who holds each lock named, for how long, with which token. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show who holds locks, their remaining lease, fencing token and queue length.")
final class StatusCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private BackendOption backend;

    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    private boolean json;

    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Lock names.")
    private List<String> names;

    @Override
    public Integer call() {
        List<LockState> states = new ArrayList<>();
        try (LockClient client = backend.client().build()) {
            for (String name : names) {
                states.add(client.inspect(name));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? asJson(states) : asTable(states));
        out.flush();
        return states.stream().allMatch(LockState::isHeld) ? ExitCodes.OK : ExitCodes.FREE;
    }

    private static String asTable(List<LockState> states) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "STATE", "HOLDER", "REMAINING", "TOKEN", "QUEUE"});
        for (LockState state : states) {
            String queue = state.queueLength().isPresent()
                    ? Integer.toString(state.queueLength().getAsInt())
                    : "-";
            rows.add(state.holder()
                    .map(h -> new String[] {
                        state.name(),
                        "held",
                        h.owner(),
                        h.remaining().map(r -> r.toMillis() + "ms").orElse("session"),
                        Long.toString(h.fencingToken()),
                        queue
                    })
                    .orElse(new String[] {state.name(), "free", "-", "-", "-", queue}));
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                table.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            table.append('\n');
        }
        return table.toString();
    }

    private static String asJson(List<LockState> states) {
        List<String> objects = new ArrayList<>();
        for (LockState state : states) {
            Json object = new Json().field("name", state.name()).field("held", state.isHeld());
            state.holder()
                    .ifPresentOrElse(
                            h -> object.field("owner", h.owner())
                                    .field("fencingToken", h.fencingToken())
                                    .field(
                                            "remainingMillis",
                                            h.remaining().map(r -> r.toMillis()).orElse(null)),
                            () -> object.field("owner", null)
                                    .field("fencingToken", null)
                                    .field("remainingMillis", null));
            object.field(
                    "queueLength",
                    state.queueLength().isPresent() ? state.queueLength().getAsInt() : null);
            objects.add(object.toString());
        }
        return "[" + String.join(",\n ", objects) + "]\n";
    }
}
