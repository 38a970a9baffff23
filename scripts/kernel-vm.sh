#!/bin/bash
# Copyright 2026 The svcproxy Authors
# SPDX-License-Identifier: Apache-2.0
# kernel-vm.sh - run a command as root inside a throw-away VM that boots Debian's
# own kernel (linux-image-amd64) under qemu TCG (no KVM needed) and sees the
# host's /usr and /etc read-only (copy-on-write), so that the real IPVS, ipset,
# iptables/nftables and conntrack kernel code can be exercised on hosts whose
# own kernel lacks them (e.g. no CONFIG_IP_VS).
#
#   kernel-vm.sh setup      # once per machine (~15-35 s): apt packages, kernel, initramfs
#   kernel-vm.sh run [-s DIR]... [-w DIR]... [-e VAR]... [--] CMD [ARGS...]
#        -s DIR  share host DIR read-only at the same path in the guest
#        -w DIR  share host DIR read-write at the same path in the guest
#        -e VAR  pass host environment variable VAR into the guest
#     CMD runs as root in the guest, in the host's current directory, which
#     is shared read-write automatically unless a -s/-w share covers it.
#     Its stdout+stderr are streamed to our stdout; the script exits with
#     CMD's exit code, or 125 if the VM failed / timed out.
#
# Environment: VM_DIR (default kernel-vm in the temp folder) holds kernel + initramfs + runs;
#   VM_MEM (MiB, default 2048), VM_SMP (default 2), VM_TIMEOUT (s, default 1800),
#   VM_CONSOLE=1 prints the kernel console afterwards, VM_APPEND adds kernel
#   args (vm.trace=1 prints boot-stage timestamps to the console).
# Needs root (9p export of /usr,/etc with security_model=none), ~450 MB disk in VM_DIR.
set -euo pipefail

VM_DIR=${VM_DIR:-${TMPDIR:-$(dirname "$(mktemp -u)")}/kernel-vm}
VM_MEM=${VM_MEM:-2048}
VM_SMP=${VM_SMP:-2}
VM_TIMEOUT=${VM_TIMEOUT:-1800}

die() { echo "kernel-vm: $*" >&2; exit 125; }

# KVM when this host offers it and it works (a 1-second probe), else software emulation (TCG) on one host
# thread: with multi-threaded TCG the guest JVM's JIT code has crashed (SIGSEGV at compiled-method entries).
accel() {
    if [ -w /dev/kvm ] && timeout 10 qemu-system-x86_64 -machine pc,accel=kvm -cpu host -display none -nodefaults \
            -no-user-config -m 64 -kernel /dev/null -S -daemonize -pidfile "$VM_DIR/kvm-probe.pid" >/dev/null 2>&1; then
        kill "$(cat "$VM_DIR/kvm-probe.pid")" 2>/dev/null
        echo "-accel kvm -cpu host"
    else
        echo "-accel tcg,thread=single -cpu max"
    fi
}

cmd_setup() {
    mkdir -p "$VM_DIR"
    cd "$VM_DIR"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends \
        qemu-system-x86 busybox-static kmod xz-utils zstd \
        ipvsadm ipset iptables conntrack iproute2 >/dev/null
    # Debian's current kernel ABI package, e.g. linux-image-6.1.0-56-amd64.
    # Extracted, not installed: no initramfs-tools/bootloader hooks on the host.
    # (or VM_KERNEL_DEB=/path/linux-image-*.deb, e.g. from bookworm-backports)
    local kpkg kv deb
    if [ -n "${VM_KERNEL_DEB:-}" ]; then
        deb=$(realpath "$VM_KERNEL_DEB")
        kpkg=$(dpkg-deb -f "$deb" Package)
    else
        kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
        [ -n "$kpkg" ] || die "cannot resolve linux-image-amd64"
    fi
    kv=${kpkg#linux-image-}
    if [ ! -f "kernel/boot/vmlinuz-$kv" ]; then
        rm -rf kernel debs && mkdir -p debs kernel
        if [ -z "${VM_KERNEL_DEB:-}" ]; then
            (cd debs && apt-get download -q "$kpkg" 2>&1 | grep -v unsandboxed || true)
            deb=$(echo "$VM_DIR"/debs/"$kpkg"_*.deb)
        fi
        dpkg-deb -x "$deb" kernel
        rm -rf debs
        depmod -b kernel "$kv"      # modules.dep(.bin) for modprobe in the guest
    fi
    # The bzImage is compressed (xz in 6.1, zstd in 6.12): decompressing it
    # under TCG costs ~10 s per boot. Extract the ELF vmlinux once; qemu boots
    # it directly through its PVH entry point.
    local img=kernel/boot/vmlinuz-$kv pos
    pos=$(set +o pipefail; grep -abo $'\xfd7zXZ\x00' "$img" | head -1 | cut -d: -f1)
    if [ -n "$pos" ]; then
        tail -c +$((pos + 1)) "$img" | xz -dc --single-stream > vmlinux 2>/dev/null || true
    else
        pos=$(set +o pipefail; grep -abo $'\x28\xb5\x2f\xfd' "$img" | head -1 | cut -d: -f1)
        [ -n "$pos" ] || die "unknown compression of $img"
        tail -c +$((pos + 1)) "$img" | zstd -qdc > vmlinux 2>/dev/null || true
    fi
    [ "$(head -c 4 vmlinux | od -An -c | tr -d ' ')" = 177ELF ] || die "vmlinux extraction failed"
    echo "$kv" > kernel.version

    # --- minimal initramfs: static busybox + virtio/9p/overlay modules + /init
    rm -rf initramfs && mkdir -p initramfs/{bin,mods,proc,sys,dev,newroot}
    cp /bin/busybox initramfs/bin/busybox
    local m f
    for m in virtio_pci 9pnet_virtio 9p overlay; do
        modprobe -d kernel -S "$kv" --show-depends "$m"
    done | awk '$1=="insmod"{print $2}' | awk '!seen[$0]++' | while read -r f; do
        case $f in   # busybox insmod wants plain .ko
            *.xz)  xz -dc "$f" > "initramfs/mods/$(basename "$f" .xz)" ;;
            *.zst) zstd -qdc "$f" > "initramfs/mods/$(basename "$f" .zst)" ;;
            *)     cp "$f" initramfs/mods/ ;;
        esac
        basename "${f%.xz}" | sed 's/\.zst$//' >> initramfs/mods/order
    done
    cat > initramfs/init <<'EOF'
#!/bin/busybox sh
# PID 1 in the guest: mount the host's /usr and /etc (9p, read-only, with a
# tmpfs overlay so the guest can write), the kernel modules, the per-run
# transfer dir and the user's shares, then switch_root to the host's bash.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev
CMDLINE=$(cat /proc/cmdline)
arg() { echo "$CMDLINE" | tr ' ' '\n' | sed -n "s|^vm\.$1=||p"; }
export VM_TRACE=$(arg trace) VM_XFER=$(arg xfer)
T() { [ -n "$VM_TRACE" ] && echo "vm-init: $(cut -d' ' -f1 /proc/uptime) $*"; }
fail() { echo "vm-init: FAILED: $*"; echo o > /proc/sysrq-trigger; sleep 60; }
T start
for m in $(cat /mods/order); do insmod /mods/$m || echo "vm-init: insmod $m failed"; done
T modules-loaded
P9="trans=virtio,version=9p2000.L,msize=262144"
R=/newroot
mount -t tmpfs -o mode=755,size=80% root $R || fail "tmpfs"
mkdir -p $R/proc $R/sys $R/dev $R/run $R/tmp $R/var/tmp $R/root $R/home $R/.lower/usr $R/.lower/etc $R/.upper
chmod 1777 $R/tmp $R/var/tmp
for l in bin sbin lib lib64; do ln -s usr/$l $R/$l; done
mount -t tmpfs -o mode=755 upper $R/.upper
for d in usr etc; do
    mkdir -p $R/.upper/$d/u $R/.upper/$d/w $R/$d
    mount -t 9p -o $P9,ro,cache=loose host$d $R/.lower/$d || fail "9p $d"
    mount -t overlay -o lowerdir=$R/.lower/$d,upperdir=$R/.upper/$d/u,workdir=$R/.upper/$d/w ov$d $R/$d || fail "overlay $d"
done
KV=$(uname -r)
mkdir -p $R/usr/lib/modules/$KV
mount -t 9p -o $P9,ro,cache=loose kmods $R/usr/lib/modules/$KV || fail "9p kmods"
mkdir -p $R$VM_XFER && mount -t 9p -o $P9,cache=none xfer $R$VM_XFER || fail "9p xfer"
i=0
for s in $(arg shares | tr ',' ' '); do
    mode=${s%%:*}; path=${s#*:}
    mkdir -p $R$path
    if [ "$mode" = ro ]; then o="ro,cache=loose"; else o="cache=none"; fi
    mount -t 9p -o $P9,$o share$i $R$path || fail "9p share$i $path"
    i=$((i+1))
done
T switch-root
mount --move /proc $R/proc; mount --move /sys $R/sys; mount --move /dev $R/dev
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts $R/dev/pts
mount -t tmpfs -o mode=1777 shm $R/dev/shm
mount -t tmpfs -o mode=755 run $R/run
mount -t cgroup2 cgroup2 $R/sys/fs/cgroup 2>/dev/null
ln -s /run $R/var/run; ln -s /run/lock $R/var/lock
ln -s /proc/self/fd $R/dev/fd; ln -s fd/0 $R/dev/stdin; ln -s fd/1 $R/dev/stdout; ln -s fd/2 $R/dev/stderr
hostname ipvs-vm
ip link set lo up
exec switch_root $R /bin/bash $VM_XFER/stage2
EOF
    chmod +x initramfs/init
    (cd initramfs && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) > initramfs.cpio.gz
    echo "kernel-vm: setup done: kernel $kv, $(du -h initramfs.cpio.gz | cut -f1) initramfs in $VM_DIR"
}

cmd_run() {
    local shares=() vars=() virtfs=() i=0 s mode path
    while [ $# -gt 0 ]; do
        case $1 in
            -s) shares+=("ro:$(realpath "$2")"); shift 2 ;;
            -w) shares+=("rw:$(realpath "$2")"); shift 2 ;;
            -e) vars+=("$2"); shift 2 ;;
            --) shift; break ;;
            *) break ;;
        esac
    done
    [ $# -gt 0 ] || die "no command given"
    # the current directory is shared read-write unless a share already covers it
    local covered=0
    case $PWD/ in /usr/*|/etc/*) covered=1 ;; esac
    for s in "${shares[@]}"; do case $PWD/ in "${s#*:}"/*) covered=1 ;; esac; done
    [ $covered = 1 ] || [ "$PWD" = / ] || shares+=("rw:$PWD")
    [ -f "$VM_DIR/kernel.version" ] || die "run '$0 setup' first (VM_DIR=$VM_DIR)"
    local kv; kv=$(cat "$VM_DIR/kernel.version")
    mkdir -p "$VM_DIR/runs"
    local xfer; xfer=$(mktemp -d "$VM_DIR/runs/run.XXXXXX")
    chmod 755 "$xfer"
    # stage2: PID 1 in the guest after switch_root (host's bash, builtins only)
    cat > "$xfer/stage2" <<'EOF'
set +e
T() { local u; read -r u _ < /proc/uptime; [ -n "$VM_TRACE" ] && echo "vm-stage2: $u $*" > /dev/console; }
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb LANG=C.UTF-8
T cmd-start
# output goes to a file on the 9p transfer dir (the host tails it); no pipe,
# so daemons started by CMD that keep stdout open cannot block the shutdown
bash "$VM_XFER/cmd" < /dev/null > "$VM_XFER/output" 2>&1
echo "$?" > "$VM_XFER/rc"
T cmd-end
echo o > /proc/sysrq-trigger
while :; do read -r -t 60 _ < /dev/console; done
EOF
    {
        echo "cd $(printf %q "$PWD") || exit 125"
        for v in "${vars[@]}"; do
            [ -n "${!v+x}" ] && echo "export $v=$(printf %q "${!v}")"
        done
        printf 'exec'; printf ' %q' "$@"; echo
    } > "$xfer/cmd"
    for s in "${shares[@]}"; do
        mode=${s%%:*}; path=${s#*:}
        case $path in *[\ ,:]*) die "share path must not contain space, comma or colon: $path" ;; esac
        if [ "$mode" = ro ]; then
            virtfs+=(-virtfs "local,path=$path,mount_tag=share$i,security_model=none,readonly=on,multidevs=remap")
        else
            virtfs+=(-virtfs "local,path=$path,mount_tag=share$i,security_model=none,multidevs=remap")
        fi
        i=$((i+1))
    done
    local sharearg; sharearg=$(IFS=,; echo "${shares[*]}")
    local quiet="quiet loglevel=1"
    [ "${VM_CONSOLE:-0}" = 1 ] && quiet=""
    set +e
    timeout -k 10 "$VM_TIMEOUT" qemu-system-x86_64 \
        -nodefaults -no-user-config -machine pc ${VM_ACCEL:-$(accel)} \
        -smp "$VM_SMP" -m "$VM_MEM" -no-reboot -display none \
        -kernel "$VM_DIR/vmlinux" -initrd "$VM_DIR/initramfs.cpio.gz" \
        -append "console=ttyS0 $quiet panic=-1 mitigations=off vm.xfer=$xfer vm.shares=$sharearg ${VM_APPEND:-}" \
        -serial "file:$xfer/console.log" \
        -virtfs "local,path=/usr,mount_tag=hostusr,security_model=none,readonly=on,multidevs=remap" \
        -virtfs "local,path=/etc,mount_tag=hostetc,security_model=none,readonly=on,multidevs=remap" \
        -virtfs "local,path=$VM_DIR/kernel/lib/modules/$kv,mount_tag=kmods,security_model=none,readonly=on" \
        -virtfs "local,path=$xfer,mount_tag=xfer,security_model=none" \
        "${virtfs[@]}" < /dev/null > "$xfer/qemu.log" 2>&1 &
    local qpid=$!
    # stream the command's output while the VM runs
    while [ ! -e "$xfer/output" ] && kill -0 $qpid 2>/dev/null; do sleep 0.2; done
    [ -e "$xfer/output" ] && tail -n +1 -s 0.2 -f --pid=$qpid "$xfer/output"
    wait $qpid; local qrc=$?
    set -e
    [ "${VM_CONSOLE:-0}" = 1 ] && cat "$xfer/console.log"
    if [ -s "$xfer/rc" ]; then
        local rc; rc=$(cat "$xfer/rc")
        rm -rf "$xfer"
        exit "$rc"
    fi
    echo "kernel-vm: VM failed or timed out (qemu rc=$qrc), no exit code; logs in $xfer:" >&2
    tail -n 40 "$xfer/console.log" "$xfer/qemu.log" >&2
    exit 125
}

case ${1:-} in
    setup) shift; cmd_setup "$@" ;;
    run) shift; cmd_run "$@" ;;
    *) echo "usage: $0 setup | run [-s DIR]... [-w DIR]... [-e VAR]... [--] CMD [ARGS...]" >&2; exit 2 ;;
esac
