package io.passerelle.balancer.internal.lbmethod;

import java.net.URI;

import io.passerelle.api.spi.LbMember;

/** A member with settable figures, as a balancer would show it to a method. */
final class TestMember implements LbMember {

    final String name;
    final int loadFactor;
    long busy;
    long to;
    long from;
    long lbStatus;
    long elected;

    TestMember(String name, int loadFactor) {
        this.name = name;
        this.loadFactor = loadFactor;
    }

    @Override
    public URI url() {
        return URI.create("http://" + name + ":80");
    }

    @Override
    public String route() {
        return name;
    }

    @Override
    public int loadFactor() {
        return loadFactor;
    }

    @Override
    public long elected() {
        return elected;
    }

    @Override
    public long busy() {
        return busy;
    }

    @Override
    public long bytesToMember() {
        return to;
    }

    @Override
    public long bytesFromMember() {
        return from;
    }

    @Override
    public long lbStatus() {
        return lbStatus;
    }

    @Override
    public void lbStatus(long value) {
        lbStatus = value;
    }

    @Override
    public String toString() {
        return name;
    }
}
