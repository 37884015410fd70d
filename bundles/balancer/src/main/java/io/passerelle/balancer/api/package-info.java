/**
 * The balancer module's own API (exported by the {@code io.passerelle.balancer} bundle, as Karaf's http bundle
 * exports {@code http.core}): its figures and runtime member control, httpd's {@code balancer-manager}. The
 * shell commands and the JMX MBean of the module use it; so may any bundle that watches or steers balancers.
 * It is there while the module runs.
 */
@Version("1.0.0")
package io.passerelle.balancer.api;

import org.osgi.annotation.versioning.Version;
