package io.dlock.cli;

import io.dlock.LockClient;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code --backend URI} option shared by the commands that talk to a lock service. */
final class BackendOption {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(
            names = {"-b", "--backend"},
            paramLabel = "URI",
            defaultValue = "${env:DLOCK_BACKEND}",
            description = {
                "The lock service: redis://host:6379, rediss://…, redlock://h1:p1,h2:p2,h3:p3,",
                "zk://h1:2181,h2:2181/root. Default: $DLOCK_BACKEND."
            })
    private @Nullable String uri;

    /** The URI given, or a usage error saying how to give one. */
    String uri() {
        if (uri == null || uri.isBlank()) {
            throw new ParameterException(
                    spec.commandLine(), "no lock service given: use --backend URI or set DLOCK_BACKEND");
        }
        return uri;
    }

    /** A client builder for the URI given. */
    LockClient.Builder client() {
        return LockClient.builder(uri());
    }
}
