package dev.svcproxy.conntrack;

class FakeConntrackContractTest extends ConntrackClientContract {
    @Override
    protected ConntrackClient client() {
        return new FakeConntrack();
    }
}
