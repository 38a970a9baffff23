package dev.svcproxy.ipset;

class FakeIpsetContractTest extends IpsetClientContract {
    @Override
    protected IpsetClient client() {
        return new FakeIpset();
    }
}
