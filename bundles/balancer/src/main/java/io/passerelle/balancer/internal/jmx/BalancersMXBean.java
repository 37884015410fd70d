package io.passerelle.balancer.internal.jmx;

import java.beans.ConstructorProperties;

/**
 * The figures of {@code proxy:balancers} and the operations of {@code proxy:balancer-member} as a JMX MXBean,
 * {@code io.passerelle:type=Balancers}. Changes made here are saved into the balancer's configuration.
 */
public interface BalancersMXBean {

    String OBJECT_NAME = "io.passerelle:type=Balancers";

    BalancerData[] getBalancers();

    MemberData[] getMembers();

    /** Clears +D, +S and +N (and any error state) of a member, given by URL or route. */
    void enableMember(String balancer, String member);

    /** Sets +D. */
    void disableMember(String balancer, String member);

    /** Sets +N: no new sessions, sticky ones still served. */
    void drainMember(String balancer, String member);

    void setLoadFactor(String balancer, String member, int loadFactor);

    /** One balancer. */
    final class BalancerData {
        private final String name;
        private final String lbmethod;
        private final boolean lbmethodInstalled;
        private final String stickysession;
        private final boolean nofailover;
        private final int maxattempts;

        @ConstructorProperties({"name", "lbmethod", "lbmethodInstalled", "stickysession", "nofailover", "maxattempts"})
        public BalancerData(String name, String lbmethod, boolean lbmethodInstalled, String stickysession,
                boolean nofailover, int maxattempts) {
            this.name = name;
            this.lbmethod = lbmethod;
            this.lbmethodInstalled = lbmethodInstalled;
            this.stickysession = stickysession;
            this.nofailover = nofailover;
            this.maxattempts = maxattempts;
        }

        public String getName() {
            return name;
        }

        public String getLbmethod() {
            return lbmethod;
        }

        public boolean isLbmethodInstalled() {
            return lbmethodInstalled;
        }

        public String getStickysession() {
            return stickysession;
        }

        public boolean isNofailover() {
            return nofailover;
        }

        public int getMaxattempts() {
            return maxattempts;
        }
    }

    /** One member of a balancer. */
    final class MemberData {
        private final String balancer;
        private final String url;
        private final String route;
        private final int loadFactor;
        private final String flags;
        private final String state;
        private final long elected;
        private final long busy;
        private final long bytesToMember;
        private final long bytesFromMember;
        private final String health;

        @ConstructorProperties({"balancer", "url", "route", "loadFactor", "flags", "state", "elected", "busy",
                "bytesToMember", "bytesFromMember", "health"})
        public MemberData(String balancer, String url, String route, int loadFactor, String flags, String state,
                long elected, long busy, long bytesToMember, long bytesFromMember, String health) {
            this.balancer = balancer;
            this.url = url;
            this.route = route;
            this.loadFactor = loadFactor;
            this.flags = flags;
            this.state = state;
            this.elected = elected;
            this.busy = busy;
            this.bytesToMember = bytesToMember;
            this.bytesFromMember = bytesFromMember;
            this.health = health;
        }

        public String getBalancer() {
            return balancer;
        }

        public String getUrl() {
            return url;
        }

        public String getRoute() {
            return route;
        }

        public int getLoadFactor() {
            return loadFactor;
        }

        public String getFlags() {
            return flags;
        }

        public String getState() {
            return state;
        }

        public long getElected() {
            return elected;
        }

        public long getBusy() {
            return busy;
        }

        public long getBytesToMember() {
            return bytesToMember;
        }

        public long getBytesFromMember() {
            return bytesFromMember;
        }

        public String getHealth() {
            return health;
        }
    }
}
