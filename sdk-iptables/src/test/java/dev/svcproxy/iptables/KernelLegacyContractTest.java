package dev.svcproxy.iptables;

class KernelLegacyContractTest extends KernelClientContract {
    @Override
    Flavour flavour() {
        return Flavour.LEGACY;
    }
}
