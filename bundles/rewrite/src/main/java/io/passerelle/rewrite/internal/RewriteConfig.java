package io.passerelle.rewrite.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Metatype of {@code io.passerelle.rewrite} (SPEC §4.6): one configuration per mod_rewrite rule set. */
@ObjectClassDefinition(id = "io.passerelle.rewrite", name = "Passerelle rewrite rule set",
        description = "mod_rewrite directives (RewriteEngine, RewriteCond, RewriteRule, RewriteMap, RewriteOptions) "
                + "run before the route table; rule sets form one list in ascending order")
@interface RewriteConfig {

    @AttributeDefinition(description = "The directives; a value may span lines with a trailing backslash, each "
            + "keyword starting a new directive. Write a map lookup as $\\\\{map:key|default} in a .cfg file "
            + "(exactly one of rules and rules.file)", required = false)
    String rules();

    @AttributeDefinition(name = "rules.file", description = "A file of directives, one per line as in httpd "
            + "(relative to karaf.base), reloaded when it changes (exactly one of rules and rules.file)",
            required = false)
    String rules_file();

    @AttributeDefinition(description = "Rule sets run in ascending order (then by name); [L] ends the whole list")
    int order() default 100;

    @AttributeDefinition(description = "The rule set's name (default: the file alias)", required = false)
    String name();
}
