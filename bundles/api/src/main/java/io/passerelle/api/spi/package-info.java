/**
 * Extension points that modules look up by a service property, so a third-party bundle can add its own:
 * load-balancing methods ({@code lbmethod=NAME}) and rewrite maps ({@code map.type=NAME}).
 *
 * <p>Implementations are called on the core's I/O threads unless their javadoc says otherwise: they must be
 * fast, thread-safe and never block.
 */
@Version("1.0.0")
package io.passerelle.api.spi;

import org.osgi.annotation.versioning.Version;
