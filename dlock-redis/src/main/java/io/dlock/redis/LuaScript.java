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
 * that does not know it yet (NOSCRIPT, e.g. after a restart) gets it once with EVAL.
 */
enum LuaScript {
    ACQUIRE("acquire.lua"),
    RENEW("renew.lua"),
    RELEASE("release.lua"),
    RAISE("raise.lua"),
    INSPECT("inspect.lua");

    private final String source;
    private final String sha1;

    LuaScript(String file) {
        try (InputStream in = LuaScript.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource io/dlock/redis/" + file);
            }
            source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            sha1 = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JVM", e);
        }
    }

    String source() {
        return source;
    }

    String sha1() {
        return sha1;
    }
}
