package io.dlock.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts of the Redis backend, one file per operation under
 * {@code src/main/resources/io/dlock/redis}. Each is run by its SHA-1 with EVALSHA; a server
 * that does not know it yet (NOSCRIPT, e.g. after a restart) gets it once with EVAL. Both are
 * encoded once, here, and sent as they are on every call.
 */
final class LuaScript {
    static final LuaScript ACQUIRE = new LuaScript("acquire.lua");
    static final LuaScript RENEW = new LuaScript("renew.lua");
    static final LuaScript RELEASE = new LuaScript("release.lua");
    static final LuaScript RAISE = new LuaScript("raise.lua");
    static final LuaScript INSPECT = new LuaScript("inspect.lua");

    private final byte[] sourceBytes;
    private final byte[] sha1Bytes;

    private LuaScript(String file) {
        try (InputStream in = LuaScript.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource io/dlock/redis/" + file);
            }
            sourceBytes = in.readAllBytes();
            sha1Bytes = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(sourceBytes))
                    .getBytes(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JVM", e);
        }
    }

    /** The source as sent: encoded once, never to be modified. */
    byte[] sourceBytes() {
        return sourceBytes;
    }

    /** The SHA-1 as sent: encoded once (not on every call), never to be modified. */
    byte[] sha1Bytes() {
        return sha1Bytes;
    }
}
