package io.passerelle.demo.internal;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.IoSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State of one WebSocket backend connection: the handshake request first, then the {@link WsFrameRelay};
 * reading stops while echoed bytes queue up.
 */
final class WsConnection implements HttpRequestParser.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(WsConnection.class);

    private final IoSession session;
    private final ReadThrottle throttle;
    private HttpRequestParser parser = new HttpRequestParser();
    private WsFrameRelay relay;
    private boolean rejected;

    WsConnection(IoSession session) {
        this.session = session;
        this.throttle = new ReadThrottle(session);
    }

    void received(IoBuffer in) {
        try {
            while (parser != null && !rejected && in.hasRemaining()) {
                parser.parse(in, this);
            }
        } catch (HttpParseException e) {
            LOG.debug("session {}: bad handshake request: {}", session.getId(), e.getMessage());
            reject(WsHandshake.badRequest(e.status()));
        }
        if (relay != null && !rejected) {
            relay.received(in);
        }
        throttle.update(false);
    }

    void sent() {
        throttle.update(false);
    }

    @Override
    public void onHead(RequestHead head) {
        WsHandshake.Reply reply = WsHandshake.answer(head);
        if (reply.upgraded()) {
            LOG.debug("session {}: WebSocket upgrade for {}", session.getId(), head.target());
            session.write(IoBuffer.wrap(reply.bytes()));
            relay = new WsFrameRelay(session);
            parser = null;
        } else {
            reject(reply);
        }
    }

    @Override
    public void onBody(IoBuffer piece) {
        // a handshake with a body has been rejected already
    }

    @Override
    public void onEnd() {
        // the upgrade (or the rejection) happened at the head
    }

    private void reject(WsHandshake.Reply reply) {
        rejected = true;
        parser = null;
        session.write(IoBuffer.wrap(reply.bytes()));
        session.closeOnFlush();
    }
}
