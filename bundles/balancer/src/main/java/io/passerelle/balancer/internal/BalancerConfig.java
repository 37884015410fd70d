package io.passerelle.balancer.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Metatype of {@code io.passerelle.balancer} (SPEC §4.5), for {@code config:} and the web console. */
@ObjectClassDefinition(id = BalancerSpec.FACTORY_PID, name = "Passerelle balancer",
        description = "One balancer://NAME (httpd's <Proxy balancer://NAME> with its BalancerMembers)")
@interface BalancerConfig {

    @AttributeDefinition(description = "The balancer's name (balancer://NAME); default: the alias of the file", required = false)
    String name();

    @AttributeDefinition(description = "Members, comma-separated: URL [route=R] [loadfactor=1..100] [status=+H+D+S+I+N] [retry=60s]")
    String members();

    @AttributeDefinition(description = "byrequests | bytraffic | bybusyness | any installed method")
    String lbmethod() default "byrequests";

    @AttributeDefinition(description = "Cookie (and URL parameter) carrying '.route': NAME or COOKIE|param", required = false)
    String stickysession();

    @AttributeDefinition(description = "A sticky request whose member is unusable gets 503 instead of another member")
    boolean nofailover() default false;

    @AttributeDefinition(description = "Other members tried when one fails before any response byte (default: members - 1)", required = false)
    String maxattempts();

    @AttributeDefinition(description = "Statuses that put the member answering them in error", required = false)
    String failonstatus();

    @AttributeDefinition(description = "How long a failed member stays out before it is tried again")
    String retry() default "60s";

    @AttributeDefinition(name = "hc.method", description = "Active health check: TCP | GET | HEAD | OPTIONS; none when absent", required = false)
    String hc_method();

    @AttributeDefinition(name = "hc.uri", description = "Path requested by GET/HEAD/OPTIONS checks")
    String hc_uri() default "/";

    @AttributeDefinition(name = "hc.interval", description = "Time between checks of each member")
    String hc_interval() default "30s";

    @AttributeDefinition(name = "hc.passes", description = "Consecutive passes that bring a member back")
    int hc_passes() default 1;

    @AttributeDefinition(name = "hc.fails", description = "Consecutive failures that take a member out")
    int hc_fails() default 1;
}
