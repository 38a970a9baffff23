package dev.svcproxy.nftables;

/** The compatibility kit on {@link FakeNftables}. */
class FakeNftablesContractTest extends NftablesClientContract {
    @Override
    protected NftablesClient client() {
        return new FakeNftables();
    }
}
