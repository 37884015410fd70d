#!/usr/bin/env python3
"""An independent, strict HTTP/1.1 parser for the smuggling matrix (SmugglingMatrixTest): h11 (python3-h11).

  h11_peer.py server     listens on 127.0.0.1 (an ephemeral port, printed as "PORT n"), parses every
                         request it receives with h11 and prints one line per message,
                         "REQUEST method target body-as-hex header-count" or "ERROR reason"; answers 200 "ok".
  h11_peer.py response   reads raw bytes from stdin, parses them as the response to one GET with h11 and
                         prints "RESPONSE status body-as-hex" or "ERROR reason" (nothing: incomplete).

A request for /__barrier/N is printed as "BARRIER N": the test knows every line before it has been printed.
"""
import socket
import sys
import threading

import h11


def serve_connection(sock, lock):
    conn = h11.Connection(h11.SERVER)
    current = None
    body = b""
    try:
        while True:
            try:
                event = conn.next_event()
            except h11.RemoteProtocolError as e:
                with lock:
                    print("ERROR " + str(e).replace("\n", " "), flush=True)
                return
            if event is h11.NEED_DATA:
                data = sock.recv(65536)
                conn.receive_data(data)
                if not data and conn.their_state is h11.IDLE:
                    return
                continue
            if isinstance(event, h11.Request):
                current = event
                body = b""
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                target = current.target.decode("latin-1")
                with lock:
                    if target.startswith("/__barrier/"):
                        print("BARRIER " + target[len("/__barrier/"):], flush=True)
                    else:
                        print("REQUEST %s %s %s %d" % (current.method.decode("latin-1"), target,
                                                       body.hex() or "-", len(current.headers)), flush=True)
                sock.sendall(conn.send(h11.Response(status_code=200, headers=[("Content-Length", "2")])))
                sock.sendall(conn.send(h11.Data(data=b"ok")))
                sock.sendall(conn.send(h11.EndOfMessage()))
                if conn.our_state is h11.MUST_CLOSE:
                    return
                conn.start_next_cycle()
            elif isinstance(event, h11.ConnectionClosed):
                return
    except (OSError, h11.LocalProtocolError):
        return
    finally:
        sock.close()


def server():
    lock = threading.Lock()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    print("PORT %d" % listener.getsockname()[1], flush=True)
    while True:
        sock, _ = listener.accept()
        threading.Thread(target=serve_connection, args=(sock, lock), daemon=True).start()


def response():
    data = sys.stdin.buffer.read()
    conn = h11.Connection(h11.CLIENT)
    conn.send(h11.Request(method="GET", target="/", headers=[("Host", "h")]))
    conn.send(h11.EndOfMessage())
    conn.receive_data(data)
    conn.receive_data(b"")
    current = None
    body = b""
    while True:
        try:
            event = conn.next_event()
        except h11.RemoteProtocolError as e:
            print("ERROR " + str(e).replace("\n", " "), flush=True)
            return
        if event is h11.NEED_DATA or isinstance(event, h11.ConnectionClosed):
            return
        if isinstance(event, h11.InformationalResponse):
            continue
        if isinstance(event, h11.Response):
            current = event
            body = b""
        elif isinstance(event, h11.Data):
            body += event.data
        elif isinstance(event, h11.EndOfMessage):
            print("RESPONSE %d %s" % (current.status_code, body.hex() or "-"), flush=True)
            return  # one request was sent: one response is all there may be


if __name__ == "__main__":
    {"server": server, "response": response}[sys.argv[1]]()
