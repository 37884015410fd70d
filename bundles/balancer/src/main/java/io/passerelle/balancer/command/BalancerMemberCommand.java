package io.passerelle.balancer.command;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import io.passerelle.balancer.api.BalancerControl;
import io.passerelle.balancer.api.BalancerControl.Action;
import io.passerelle.balancer.api.BalancerControl.MemberChange;
import io.passerelle.balancer.api.BalancerControl.MemberView;

/**
 * {@code proxy:balancer-member [--enable|--disable|--drain] [--loadfactor N] BALANCER MEMBER}: changes a
 * member at once; the change is saved into the balancer's configuration.
 */
@Command(scope = "proxy", name = "balancer-member",
        description = "Enables, disables or drains a balancer member, or sets its load factor (saved in its configuration)")
@Service
public class BalancerMemberCommand implements org.apache.karaf.shell.api.action.Action {

    @Reference
    BalancerControl control;

    @Option(name = "--enable", description = "Clear +D, +S and +N and any error state")
    boolean enable;

    @Option(name = "--disable", description = "Set +D: no new requests")
    boolean disable;

    @Option(name = "--drain", description = "Set +N: no new sessions, sticky ones still served")
    boolean drain;

    @Option(name = "--loadfactor", description = "New load factor, 1 to 100")
    Integer loadFactor;

    @Argument(index = 0, name = "balancer", description = "The balancer's name", required = true)
    @Completion(BalancerNameCompleter.class)
    String balancer;

    @Argument(index = 1, name = "member", description = "The member's URL or route", required = true)
    @Completion(MemberCompleter.class)
    String member;

    @Override
    public Object execute() {
        int actions = (enable ? 1 : 0) + (disable ? 1 : 0) + (drain ? 1 : 0);
        if (actions > 1) {
            throw new IllegalArgumentException("give only one of --enable, --disable, --drain");
        }
        Action action = enable ? Action.ENABLE : disable ? Action.DISABLE : drain ? Action.DRAIN : null;
        MemberView m = control.changeMember(balancer, member, new MemberChange(action, loadFactor));
        System.out.println(balancer + " " + m.url() + (m.route().isEmpty() ? "" : " (route " + m.route() + ")")
                + ": flags " + (m.flags().isEmpty() ? "none" : m.flags()) + ", state " + m.state()
                + ", loadfactor " + m.loadFactor());
        return null;
    }
}
