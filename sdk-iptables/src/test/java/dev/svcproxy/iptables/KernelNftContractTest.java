package dev.svcproxy.iptables;

class KernelNftContractTest extends KernelClientContract {
    @Override
    Flavour flavour() {
        return Flavour.NFT;
    }
}
