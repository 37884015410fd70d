package io.passerelle.rewrite.internal.engine;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import io.passerelle.api.ClientInfo;
import io.passerelle.api.HttpFields;
import io.passerelle.api.RequestHead;
import io.passerelle.common.http.DotSegments;

/** A test request as the core hands it to hooks: normalised path, Host example.com, client 192.0.2.10:40000. */
final class Req {

    String method = "GET";
    final String target;
    final HttpFields headers = new HttpFields();
    boolean secure;
    String remote = "192.0.2.10";
    int remotePort = 40000;
    String local = "192.0.2.1";
    int localPort = 80;
    private boolean host;

    private Req(String target) {
        this.target = target;
    }

    static Req get(String target) {
        return new Req(target);
    }

    Req method(String m) {
        method = m;
        return this;
    }

    Req header(String name, String value) {
        headers.add(name, value);
        host |= name.equalsIgnoreCase("Host");
        return this;
    }

    Req secure() {
        secure = true;
        localPort = 443;
        return this;
    }

    Req local(int port) {
        localPort = port;
        return this;
    }

    RequestHead head() {
        if (!host) {
            header("Host", "example.com");
        }
        int q = target.indexOf('?');
        String raw = q < 0 ? target : target.substring(0, q);
        String path = DotSegments.resolve(Escapes.canonical(raw, false));
        return new RequestHead(method, target, path, q < 0 ? null : target.substring(q + 1), "HTTP/1.1", headers);
    }

    ClientInfo client() {
        try {
            return new ClientInfo(7, new InetSocketAddress(InetAddress.getByName(remote), remotePort),
                    new InetSocketAddress(InetAddress.getByName(local), localPort), secure, "main");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return method + " " + target + (secure ? " (TLS)" : "") + " " + headers;
    }
}
