package dev.svcproxy.iptables;

import dev.svcproxy.api.net.IpFamily;

class FakeIptablesContractTest extends IptablesClientContract {
    @Override
    protected IptablesClient client() {
        return new FakeIptables(IpFamily.IPV4);
    }
}
