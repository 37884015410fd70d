package io.passerelle.common.config;

/** A component property type for the tests: one key of each kind, with and without defaults. */
@interface TestConfig {

    String path();

    String url();

    String name();

    String order() default "100";

    String missing() default "60s";

    String header_timeout() default "20s";

    String a() default "1s";

    String b() default "1s";

    String c() default "1s";

    String d() default "1s";

    String e() default "1s";

    String f() default "1s";

    String absent() default "1s";

    int port() default 1;

    int big() default 1;

    int word() default 1;

    int neg() default 1;

    int seven() default 7;

    boolean bad() default false;

    boolean yes() default false;

    boolean truth() default false;

    boolean falsity() default true;

    boolean given() default false;

    boolean unset() default true;

    String with__underscore() default "u";
}
