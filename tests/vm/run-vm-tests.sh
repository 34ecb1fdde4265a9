#!/usr/bin/env bash
# run-vm-tests.sh [OUT_BIN] - the kernel-dependent plugin tests (ipvlan, 802.1Q VLAN masters, macvlan over a
# VLAN), which this machine's kernel cannot run, in ONE boot of Debian's kernel under qemu (TCG).
#
# Copies the plugins the guest needs from OUT_BIN (default out/bin) into a temp folder and hands it, with
# parent-links-guest.sh, to the team's kernel-vm recipe run-in-vm.sh (found at $CNI_KERNEL_VM, else
# ../shared/kernel-vm/run-in-vm.sh next to the repository). Exits with the guest's status. A VM that cannot
# start - no recipe, no qemu, no kernel - is a failure, never a skip: these tests are the only ones that
# exercise ipvlan and VLANs at all.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT_BIN="${1:-$ROOT/out/bin}"
RUNNER="${CNI_KERNEL_VM:-$ROOT/../shared/kernel-vm/run-in-vm.sh}"
NEEDED=(macvlan ipvlan host-local static)

fail() { printf '\033[1;31mVM TESTS FAILED: %s\033[0m\n' "$*" >&2; exit 1; }

[ -f "$RUNNER" ] || fail "kernel-vm recipe not found at $RUNNER (set CNI_KERNEL_VM to run-in-vm.sh)"
bins="$(mktemp -d /tmp/cni-vm-bins.XXXXXX)"
trap 'rm -rf "$bins"' EXIT
for b in "${NEEDED[@]}"; do
    [ -x "$OUT_BIN/$b" ] || fail "$OUT_BIN/$b is missing (run ./build.sh build first)"
    cp "$OUT_BIN/$b" "$bins/"
done

set +e
bash "$RUNNER" "$bins" "$HERE/parent-links-guest.sh"
rc=$?
set -e
case "$rc" in
    0)   exit 0 ;;
    124) fail "the VM timed out (RUN_IN_VM_TIMEOUT)" ;;
    125) fail "the VM did not start or died before the test finished (see the kernel console above)" ;;
    *)   fail "guest test exited with $rc" ;;
esac
