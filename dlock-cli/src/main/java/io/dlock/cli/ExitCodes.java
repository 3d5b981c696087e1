package io.dlock.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every exit code of {@code dlock}, and the list of them each command's {@code --help} shows
 * ({@link #listFor}), so that the code and the help cannot disagree. Codes come from sysexits(3)
 * where one fits, so that scripts can tell the outcomes apart, and, for a command {@code dlock run}
 * cannot start, from env(1) and timeout(1); {@code dlock run} otherwise exits with its command's
 * code, so these codes are ambiguous when the command itself exits with one of them, and dlock's
 * line on stderr tells which it was.
 *
 * <p>After SIGINT or SIGTERM the JVM exits with 128 + the signal's number once its shutdown hooks
 * are done, as a shell reports a program that the signal stopped. {@code dlock run} keeps that:
 * its hook passes the signal on to all of the command's processes, waits until none runs and
 * releases the lock, and then dlock exits {@link #INTERRUPTED} or {@link #TERMINATED} whatever the
 * command's own code was, because dlock was asked to stop.
 */
final class ExitCodes {

    /** Success; for {@code status}: every lock named is held. */
    static final int OK = 0;
    /** {@code status}: at least one lock named is free. */
    static final int FREE = 1;
    /** {@code torture}: a run broke a promise, a control was not flagged, or the harness failed. */
    static final int TORTURE_FAILED = 1;
    /** Bad command line: unknown option, bad duration, malformed URI (EX_USAGE). */
    static final int USAGE = 64;
    /** The lock service could not be reached (EX_UNAVAILABLE). */
    static final int UNAVAILABLE = 69;
    /** An unexpected failure inside dlock (EX_SOFTWARE). */
    static final int SOFTWARE = 70;
    /** {@code run}: the lock was not acquired within {@code --wait}; the command did not run (EX_TEMPFAIL). */
    static final int LOCK_NOT_ACQUIRED = 75;
    /** {@code run}: the lease was lost while the command ran, so it may not have run alone. */
    static final int LEASE_LOST = 76;
    /**
     * The {@code ./dlock} launcher script found no {@code dlock.jar} or no {@code java}, or
     * {@code dlock torture} found no {@code dlock-torture.jar} to run (EX_CONFIG): something is
     * missing from the installation.
     */
    static final int LAUNCHER_CONFIG = 78;
    /** {@code run}: the command was found but could not be executed, as with env(1) and timeout(1). */
    static final int CANNOT_EXECUTE = 126;
    /** {@code run}: the command was not found, as with env(1) and timeout(1). */
    static final int COMMAND_NOT_FOUND = 127;
    /** dlock got SIGINT (Ctrl-C): 128 + 2, set by the JVM after the shutdown hooks. */
    static final int INTERRUPTED = 128 + 2;
    /** dlock got SIGTERM: 128 + 15, set by the JVM after the shutdown hooks. */
    static final int TERMINATED = 128 + 15;

    private ExitCodes() {}

    /** The exit codes {@code dlock command} can end with, code to meaning, for its {@code --help}. */
    static Map<String, String> listFor(String command) {
        Map<String, String> list = new LinkedHashMap<>();
        switch (command) {
            case "dlock" -> {
                list.put(code(OK), "success; status: every lock named is held");
                list.put(code(FREE), "status: a lock named is free; torture: a check failed");
                commonFailures(list);
                list.put(code(LOCK_NOT_ACQUIRED), "run: lock not acquired within --wait; the command did not run");
                list.put(code(LEASE_LOST), "run: the lease was lost while the command ran");
                list.put(
                        code(LAUNCHER_CONFIG),
                        "the ./dlock launcher found no dlock.jar or no java; torture: no" + " dlock-torture.jar");
                list.put(
                        code(CANNOT_EXECUTE) + "/" + code(COMMAND_NOT_FOUND),
                        "run: the command could not be executed / was not found");
                list.put(
                        code(INTERRUPTED) + "/" + code(TERMINATED),
                        "dlock got SIGINT/SIGTERM (128 + signal); run passes it on"
                                + " and exits once its command's processes have, demo once it stopped its servers");
                list.put("n", "run: otherwise, the command's exit code");
            }
            case "run" -> {
                list.put("n", "the command's exit code, also when dlock stopped processes it left running");
                commonFailures(list);
                list.put(code(LOCK_NOT_ACQUIRED), "lock not acquired within --wait; the command did not run");
                list.put(
                        code(LEASE_LOST),
                        "the lease was lost while the command ran (all its processes were stopped,"
                                + " or it had already exited and the loss was found at release): it may not have run alone");
                list.put(
                        code(CANNOT_EXECUTE), "the command was found but could not be executed; the lock was released");
                list.put(code(COMMAND_NOT_FOUND), "the command was not found; the lock was released");
                list.put(
                        code(INTERRUPTED),
                        "dlock got SIGINT: passed on as SIGTERM to all the command's processes;"
                                + " dlock exits once none runs and the lock is released, whatever the command's code");
                list.put(code(TERMINATED), "dlock got SIGTERM: the same");
            }
            case "status" -> {
                list.put(code(OK), "every lock named is held");
                list.put(code(FREE), "at least one lock named is free");
                commonFailures(list);
            }
            case "demo" -> {
                list.put(code(OK), "the demo ran to its end");
                list.put(code(USAGE), "bad command line");
                list.put(code(UNAVAILABLE), "a server the demo started did not answer");
                list.put(code(SOFTWARE), "a step of the demo failed");
                list.put(
                        code(INTERRUPTED) + "/" + code(TERMINATED),
                        "SIGINT/SIGTERM: stopped early, after stopping every server it started");
            }
            case "bench" -> {
                list.put(code(OK), "measured; the result is on stdout");
                commonFailures(list);
                list.put(code(INTERRUPTED) + "/" + code(TERMINATED), "SIGINT/SIGTERM: stopped early, no result");
            }
            case "torture" -> {
                // What dlock-torture.jar's help lists, since 'dlock torture --help' shows that help.
                list.put(code(OK), "every run kept the README's promises and every negative control was flagged");
                list.put(
                        code(TORTURE_FAILED), "a promise was broken, a control was not flagged, or the harness failed");
                list.put(code(USAGE), "bad command line");
                list.put(code(SOFTWARE), "internal error");
                list.put(code(LAUNCHER_CONFIG), "dlock found no dlock-torture.jar to run");
            }
            default -> {
                // help: exits 0, or 64 for an unknown command, like every command
            }
        }
        return list;
    }

    private static void commonFailures(Map<String, String> list) {
        list.put(code(USAGE), "bad command line or URI");
        list.put(code(UNAVAILABLE), "lock service unreachable");
        list.put(code(SOFTWARE), "internal error");
    }

    private static String code(int code) {
        return Integer.toString(code);
    }
}
