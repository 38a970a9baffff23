package dev.svcproxy.ipvs;

class FakeIpvsContractTest extends IpvsClientContract {
    @Override
    protected IpvsClient client() {
        return new FakeIpvs();
    }
}
