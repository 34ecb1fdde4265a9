#!/usr/bin/env bash
# run-vm-tests.sh [OUT_BIN] - the kernel-dependent plugin tests, which this machine's kernel cannot run, in ONE
# boot of Debian's kernel under qemu (TCG): ipvlan, 802.1Q VLAN masters and macvlan over a VLAN
# (parent-links-guest.sh), and bridge VLAN filtering - access/trunk ports, preserveDefaultVlan, the VLAN
# gateway device (bridge-vlan-guest.sh).
#
# Copies the plugins the guests need from OUT_BIN (default out/bin) into a temp folder and hands it to the
# team's kernel-vm recipe run-in-vm.sh (found at $CNI_KERNEL_VM, else ../shared/kernel-vm/run-in-vm.sh next to
# the repository). The recipe takes one guest script, so the guest scripts ride along in the bins folder
# (/opt/bins in the guest; not at their host path, which may be under /tmp, a fresh tmpfs in the guest) and a
# small generated driver runs each in turn: one boot (~5-10 s under TCG) instead of
# one per script, and a failing script does not stop the next. Exits non-zero if any guest script failed. A VM
# that cannot start - no recipe, no qemu, no kernel - is a failure, never a skip: these tests are the only
# ones that exercise ipvlan and VLANs at all.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT_BIN="${1:-$ROOT/out/bin}"
RUNNER="${CNI_KERNEL_VM:-$ROOT/../shared/kernel-vm/run-in-vm.sh}"
NEEDED=(macvlan ipvlan bridge host-local static)
GUESTS=("$HERE/parent-links-guest.sh" "$HERE/bridge-vlan-guest.sh")

fail() { printf '\033[1;31mVM TESTS FAILED: %s\033[0m\n' "$*" >&2; exit 1; }

[ -f "$RUNNER" ] || fail "kernel-vm recipe not found at $RUNNER (set CNI_KERNEL_VM to run-in-vm.sh)"
for g in "${GUESTS[@]}" "$HERE/guest-lib.sh"; do [ -f "$g" ] || fail "guest script $g is missing"; done
work="$(mktemp -d /tmp/cni-vm-tests.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/bins"
for b in "${NEEDED[@]}"; do
    [ -x "$OUT_BIN/$b" ] || fail "$OUT_BIN/$b is missing (run ./build.sh build first)"
    cp "$OUT_BIN/$b" "$work/bins/"
done
cp "$HERE/guest-lib.sh" "$work/bins/"   # what every guest script sources (assertions, plugin runs, the case loop)
guest_paths=()
for g in "${GUESTS[@]}"; do
    cp "$g" "$work/bins/"
    guest_paths+=("/opt/bins/$(basename "$g")")
done

# The driver: every guest script, each with its own summary line; the exit status counts failed scripts.
cat >"$work/guest-driver.sh" <<'DRIVER'
#!/bin/bash
failed=()
for g in "$@"; do
    echo "=== $(basename "$g")"
    bash "$g" || failed+=("$(basename "$g")")
done
[ "${#failed[@]}" -eq 0 ] || { echo "=== failed: ${failed[*]}"; exit 1; }
echo "=== all ${#} guest scripts passed"
DRIVER

set +e
bash "$RUNNER" "$work/bins" "$work/guest-driver.sh" "${guest_paths[@]}"
rc=$?
set -e
case "$rc" in
    0)   exit 0 ;;
    124) fail "the VM timed out (RUN_IN_VM_TIMEOUT)" ;;
    125) fail "the VM did not start or died before the test finished (see the kernel console above)" ;;
    *)   fail "a guest script failed (exit $rc; its FAIL lines are above)" ;;
esac
