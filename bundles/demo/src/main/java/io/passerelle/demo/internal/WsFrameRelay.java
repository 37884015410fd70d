package io.passerelle.demo.internal;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.IoSession;

/**
 * Streaming WebSocket echo for one connection: parses client frames as bytes arrive and echoes each data
 * frame unmasked with the same opcode and FIN, payload piece by piece (a message is never buffered);
 * answers ping with pong and echoes the close frame before closing.
 */
final class WsFrameRelay {

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    private static final int PROTOCOL_ERROR = 1002;
    private static final int TOO_BIG = 1009;

    private final IoSession session;
    private final byte[] header = new byte[14];
    private int headerLength;
    private int headerNeeded = 2;
    private boolean inPayload;
    private int opcode;
    private boolean fin;
    private long remaining;
    private final byte[] mask = new byte[4];
    private int maskIndex;
    private byte[] control;
    private int controlLength;
    private boolean fragmented;
    private boolean closed;

    WsFrameRelay(IoSession session) {
        this.session = session;
    }

    /** Consumes all of {@code in}. */
    void received(IoBuffer in) {
        while (in.hasRemaining() && !closed) {
            if (inPayload) {
                payload(in);
            } else {
                header(in);
            }
        }
    }

    private void header(IoBuffer in) {
        while (in.hasRemaining() && headerLength < headerNeeded) {
            header[headerLength++] = in.get();
            if (headerLength == 2) {
                int len7 = header[1] & 0x7f;
                headerNeeded = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
            }
        }
        if (headerLength == headerNeeded) {
            frameStart();
        }
    }

    private void frameStart() {
        fin = (header[0] & 0x80) != 0;
        opcode = header[0] & 0x0f;
        boolean masked = (header[1] & 0x80) != 0;
        int len7 = header[1] & 0x7f;
        int pos = 2;
        long length = len7;
        if (len7 == 126) {
            length = ((header[2] & 0xffL) << 8) | (header[3] & 0xffL);
            pos = 4;
        } else if (len7 == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | (header[2 + i] & 0xffL);
            }
            pos = 10;
        }
        headerLength = 0;
        headerNeeded = 2;
        boolean isControl = opcode >= CLOSE;
        if ((header[0] & 0x70) != 0 || !masked || length < 0
                || (opcode > BINARY && opcode < CLOSE) || opcode > PONG
                || (isControl && (!fin || length > 125))
                || (opcode == CONTINUATION && !fragmented)
                || ((opcode == TEXT || opcode == BINARY) && fragmented)) {
            fail(length < 0 ? TOO_BIG : PROTOCOL_ERROR);
            return;
        }
        System.arraycopy(header, pos, mask, 0, 4);
        maskIndex = 0;
        remaining = length;
        if (isControl) {
            control = new byte[(int) length];
            controlLength = 0;
        } else {
            fragmented = !fin;
            session.write(frameHeader(header[0] & 0x8f, length));
        }
        inPayload = true;
        if (length == 0) {
            frameEnd();
        }
    }

    private void payload(IoBuffer in) {
        int n = (int) Math.min(remaining, in.remaining());
        if (control != null) {
            in.get(control, controlLength, n);
            unmask(control, controlLength, n);
            controlLength += n;
        } else {
            byte[] data = new byte[n];
            in.get(data);
            unmask(data, 0, n);
            session.write(IoBuffer.wrap(data));
        }
        remaining -= n;
        if (remaining == 0) {
            frameEnd();
        }
    }

    private void unmask(byte[] data, int offset, int length) {
        for (int i = 0; i < length; i++) {
            data[offset + i] ^= mask[maskIndex];
            maskIndex = (maskIndex + 1) & 3;
        }
    }

    private void frameEnd() {
        inPayload = false;
        byte[] payload = control;
        control = null;
        if (payload == null) {
            return;
        }
        switch (opcode) {
            case PING -> session.write(controlFrame(PONG, payload));
            case CLOSE -> {
                if (payload.length == 1) {
                    fail(PROTOCOL_ERROR);
                } else {
                    session.write(controlFrame(CLOSE, payload));
                    closed = true;
                    session.closeOnFlush();
                }
            }
            default -> {
                // an unsolicited pong needs no answer
            }
        }
    }

    private void fail(int code) {
        closed = true;
        session.write(controlFrame(CLOSE, new byte[] {(byte) (code >> 8), (byte) code}));
        session.closeOnFlush();
    }

    static IoBuffer frameHeader(int finAndOpcode, long length) {
        IoBuffer b = IoBuffer.allocate(10);
        b.put((byte) finAndOpcode);
        if (length < 126) {
            b.put((byte) length);
        } else if (length <= 0xffff) {
            b.put((byte) 126).putShort((short) length);
        } else {
            b.put((byte) 127).putLong(length);
        }
        return b.flip();
    }

    private static IoBuffer controlFrame(int opcode, byte[] payload) {
        IoBuffer b = IoBuffer.allocate(2 + payload.length);
        b.put((byte) (0x80 | opcode)).put((byte) payload.length).put(payload);
        return b.flip();
    }
}
