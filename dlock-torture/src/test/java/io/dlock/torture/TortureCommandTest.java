package io.dlock.torture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line of {@code dlock torture}, parsed without running anything. */
class TortureCommandTest {

    @Test
    void backendsAndFaultsAreAcceptedInAnyCaseAsTheResultsTablesPrintThem() {
        CommandLine.ParseResult parsed = TortureCommand.commandLine()
                .parseArgs("--backend", "redlock", "--fault", "rolling_restart,Server_Crash");

        assertThat(parsed.matchedOptionValue("--backend", List.<BackendKind>of()))
                .containsExactly(BackendKind.REDLOCK);
        assertThat(parsed.matchedOptionValue("--fault", List.<Fault>of()))
                .containsExactly(Fault.ROLLING_RESTART, Fault.SERVER_CRASH);
    }
}
