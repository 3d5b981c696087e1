package io.dlock.cli;

import picocli.CommandLine.IVersionProvider;

/**
 * The version printed by {@code dlock --version}: the jar manifest's {@code Implementation-Version},
 * which the shade plugin sets to the project version; "(development build)" when dlock runs from
 * class directories (an IDE), which have no manifest.
 */
final class Version implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = Version.class.getPackage().getImplementationVersion();
        return new String[] {
            "dlock " + (version != null ? version : "(development build)"),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
