package io.dlock.redis;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Writes a command in RESP, the Redis protocol (an array of bulk strings), straight into the
 * connection's buffer: strings are encoded to UTF-8 and numbers to decimal in place, so writing
 * a command allocates nothing.
 */
final class RespWriter {

    private static final byte ARRAY = '*';
    private static final byte BULK = '$';
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private RespWriter() {}

    /** Starts a command of {@code elements} parts, its name included. */
    static void arrayHeader(ByteBuf buffer, int elements) {
        buffer.writeByte(ARRAY);
        decimal(buffer, elements);
        crlf(buffer);
    }

    /** Writes {@code bytes} as they are. */
    static void bulk(ByteBuf buffer, byte[] bytes) {
        buffer.writeByte(BULK);
        decimal(buffer, bytes.length);
        crlf(buffer);
        buffer.writeBytes(bytes);
        crlf(buffer);
    }

    /** Writes {@code text} encoded as UTF-8. */
    static void bulk(ByteBuf buffer, String text) {
        buffer.writeByte(BULK);
        decimal(buffer, ByteBufUtil.utf8Bytes(text));
        crlf(buffer);
        ByteBufUtil.writeUtf8(buffer, text);
        crlf(buffer);
    }

    /** Writes {@code number} (not negative) as its decimal text. */
    static void bulk(ByteBuf buffer, int number) {
        buffer.writeByte(BULK);
        decimal(buffer, digits(number));
        crlf(buffer);
        decimal(buffer, number);
        crlf(buffer);
    }

    private static void decimal(ByteBuf buffer, int number) {
        if (number < 0) {
            throw new IllegalArgumentException("RESP lengths and counts are not negative: " + number);
        }
        int end = buffer.writerIndex() + digits(number);
        buffer.ensureWritable(end - buffer.writerIndex());
        int rest = number;
        for (int at = end - 1; at >= buffer.writerIndex(); at--) {
            buffer.setByte(at, '0' + rest % 10);
            rest /= 10;
        }
        buffer.writerIndex(end);
    }

    private static int digits(int number) {
        int digits = 1;
        for (int rest = number / 10; rest > 0; rest /= 10) {
            digits++;
        }
        return digits;
    }

    private static void crlf(ByteBuf buffer) {
        buffer.writeByte(CR);
        buffer.writeByte(LF);
    }
}
