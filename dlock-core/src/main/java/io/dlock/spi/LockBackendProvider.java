package io.dlock.spi;

import java.util.Set;

/**
 * Opens backends for the URI schemes it names; found with {@link java.util.ServiceLoader}, so
 * putting a backend module on the class path makes its schemes usable in
 * {@code LockClient.connect(uri)}.
 */
public interface LockBackendProvider {

    /** The URI schemes this provider opens, lower case, without {@code "://"}. */
    Set<String> schemes();

    /**
     * Connects to the servers named by {@code uri}, whose scheme is one of {@link #schemes()}.
     * The URI is passed as written because some forms (a list of hosts, a password with
     * reserved characters) are not valid {@link java.net.URI}s.
     *
     * @throws IllegalArgumentException when the URI is malformed, naming the part at fault and
     *     never repeating a password
     * @throws io.dlock.BackendUnavailableException when the servers cannot be reached
     */
    LockBackend open(String uri, BackendContext context);
}
