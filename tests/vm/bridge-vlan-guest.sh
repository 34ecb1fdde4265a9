#!/bin/bash
# bridge-vlan-guest.sh - runs INSIDE the VM (as root, Debian's kernel, which has bridge VLAN filtering; this
# machine's kernel does not, so the host tests can only show that such an ADD fails and rolls back). Started
# by tests/vm/run-vm-tests.sh through run-in-vm.sh. Drives our bridge binary (in /opt/bins, with host-local)
# as a runtime does and asserts the port VLAN table with `bridge -j vlan show`, the VLAN gateway device with
# `ip -j`, and real pings: same VLAN talks, different VLANs do not. Every container is a throwaway namespace
# and every bridge is ours; the guest is discarded afterwards anyway. Last line: "N passed, N failed".
set -u
# shellcheck source=guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"
IPAM_DIR=/tmp/cni-ipam-bridge

# cni VERB CONTAINER-ID NETNS-NAME CONFIG -> the bridge plugin's stdout (guest-lib.sh run_plugin).
cni() { run_plugin bridge "$@"; }
add_ok() { local out; out=$(cni ADD "$@") || { echo "ADD $1 failed: $out" >&2; return 1; }; printf '%s' "$out"; }
# conf NAME BRIDGE MEMBERS -> a bridge config with the given extra members.
conf() { printf '{"cniVersion":"1.1.0","name":"%s","type":"bridge","bridge":"%s",%s}' "$1" "$2" "$3"; }
# hostlocal SUBNET [START END]: a range of the subnet, so several networks can share one L2 segment's subnet.
hostlocal() {
    local r="\"subnet\":\"$1\""
    [ $# -ge 3 ] && r="$r,\"rangeStart\":\"$2\",\"rangeEnd\":\"$3\""
    printf '"ipam":{"type":"host-local","dataDir":"%s","ranges":[[{%s}]]}' "$IPAM_DIR" "$r"
}
host_port() { jq -r '.interfaces[1].name'; }          # result: [bridge, host veth, container veth, ...]
# vlans DEV -> one JSON object per VLAN of the port: {"vid":N,"flags":[...]}, ranges expanded. iproute2 prints
# either {"vlan":N} or a compressed {"vlan":N,"vlanEnd":M}, and old versions nest ports under the bridge.
vlans() {
    bridge -j vlan show dev "$1" | jq -c '[.[] | (.vlans // [])[] | . as $v | range($v.vlan; ($v.vlanEnd // $v.vlan) + 1)
        | {vid: ., flags: ($v.flags // [])}]'
}
# has_vlan DEV VID [pvid|untagged|tagged]...: the port is a member of VID with exactly the listed roles.
has_vlan() {
    local dev=$1 vid=$2 want_pvid=false want_untagged=false; shift 2
    for r in "$@"; do case $r in pvid) want_pvid=true ;; untagged) want_untagged=true ;; tagged) ;; esac; done
    vlans "$dev" | jq -e --argjson vid "$vid" --argjson p "$want_pvid" --argjson u "$want_untagged" \
        '[.[] | select(.vid == $vid)] | length == 1 and (.[0].flags | (index("PVID") != null) == $p and (index("Egress Untagged") != null) == $u)' \
        >/dev/null || { echo "port $dev: $(vlans "$dev")"; return 1; }
}
lacks_vlan() { vlans "$1" | jq -e --argjson vid "$2" '[.[] | select(.vid == $vid)] | length == 0' >/dev/null || { echo "port $1: $(vlans "$1")"; return 1; }; }
vlan_filtering() { ip -j -d link show dev "$1" | jq -e '.[0].linkinfo.info_data.vlan_filtering == 1' >/dev/null; }

# Access ports: two containers in VLAN 100 and one in VLAN 200, all three in one subnet on one bridge, so only
# the bridge's VLAN filtering keeps VLAN 200 apart.
case_access_ports() {
    newns acc-a; newns acc-b; newns acc-c
    local c100 c200 ra rb rc
    c100=$(conf vlan100 brv "\"vlan\":100,$(hostlocal 10.90.0.0/24 10.90.0.10 10.90.0.19)")
    c200=$(conf vlan200 brv "\"vlan\":200,$(hostlocal 10.90.0.0/24 10.90.0.20 10.90.0.29)")
    ra=$(add_ok acc-a acc-a "$c100") && rb=$(add_ok acc-b acc-b "$c100") && rc=$(add_ok acc-c acc-c "$c200") ||
        { bad "access ports: ADD"; return; }
    check "access ports: brv has vlan_filtering on" vlan_filtering brv
    check "access ports: a's port is PVID + untagged in VLAN 100" has_vlan "$(host_port <<<"$ra")" 100 pvid untagged
    check "access ports: a's port left default VLAN 1" lacks_vlan "$(host_port <<<"$ra")" 1
    check "access ports: c's port is PVID + untagged in VLAN 200" has_vlan "$(host_port <<<"$rc")" 200 pvid untagged
    check "access ports: c's port is not in VLAN 100" lacks_vlan "$(host_port <<<"$rc")" 100
    check "access ports: a -> b (same VLAN)" pingc acc-a "$(first_ip <<<"$rb")"
    check "access ports: b -> a (same VLAN)" pingc acc-b "$(first_ip <<<"$ra")"
    check "access ports: a -/-> c (VLAN 100 vs 200)" not pingc acc-a "$(first_ip <<<"$rc")"
    check "access ports: c -/-> b (VLAN 200 vs 100)" not pingc acc-c "$(first_ip <<<"$rb")"
    check "access ports: CHECK a" cni CHECK acc-a acc-a "${c100%\}},\"prevResult\":$ra}"
    local port_a; port_a=$(host_port <<<"$ra")
    check "access ports: DEL a" cni DEL acc-a acc-a "$c100"
    check "access ports: a's port gone with its VLAN entries" not ip link show dev "$port_a"
}

# A trunk port: tagged VLANs 300 and 310-312; without an access VLAN, VLAN 1 stays its untagged PVID. A tagged
# sub-interface inside the trunk container reaches an access container of VLAN 300; untagged it does not.
case_trunk_port() {
    newns trk-t; newns trk-x
    local ct cx rt rx
    ct=$(conf trunk brt "\"vlanTrunk\":[{\"id\":300},{\"minID\":310,\"maxID\":312}],$(hostlocal 10.91.0.0/24 10.91.0.10 10.91.0.19)")
    cx=$(conf access300 brt "\"vlan\":300,$(hostlocal 10.91.0.0/24 10.91.0.20 10.91.0.29)")
    rt=$(add_ok trk-t trk-t "$ct") && rx=$(add_ok trk-x trk-x "$cx") || { bad "trunk port: ADD"; return; }
    local port; port=$(host_port <<<"$rt")
    check "trunk port: VLAN 1 is the untagged PVID" has_vlan "$port" 1 pvid untagged
    check "trunk port: VLAN 300 tagged" has_vlan "$port" 300 tagged
    local v; for v in 310 311 312; do check "trunk port: VLAN $v tagged (range 310-312)" has_vlan "$port" "$v" tagged; done
    check "trunk port: not in VLAN 309 (below the range)" lacks_vlan "$port" 309
    check "trunk port: not in VLAN 313 (above the range)" lacks_vlan "$port" 313
    check "trunk port: untagged trunk -/-> VLAN 300 access" not pingc trk-t "$(first_ip <<<"$rx")"
    # The same address moves onto a VLAN 300 sub-interface: now it is tagged 300 on the wire.
    local tip; tip=$(jq -r '.ips[0].address' <<<"$rt")
    ip -n trk-t addr del "$tip" dev eth0 &&
        ip -n trk-t link add link eth0 name eth0.300 type vlan id 300 && ip -n trk-t addr add "$tip" dev eth0.300 &&
        ip -n trk-t link set eth0.300 up || { bad "trunk port: tagged sub-interface in the container"; return; }
    check "trunk port: tagged 300 -> VLAN 300 access" pingc trk-t "$(first_ip <<<"$rx")"
    check "trunk port: DEL" cni DEL trk-t trk-t "$ct"
    check "trunk port: port gone" not ip link show dev "$port"
    cni DEL trk-x trk-x "$cx" >/dev/null
}

# preserveDefaultVlan keeps the port in VLAN 1 (no longer its PVID: VLAN 100 takes that, untagged).
case_preserve_default_vlan() {
    newns pdv-a
    local c r
    c=$(conf keep1 brp "\"vlan\":100,\"preserveDefaultVlan\":true,$(hostlocal 10.92.0.0/24)")
    r=$(add_ok pdv-a pdv-a "$c") || { bad "preserveDefaultVlan: ADD"; return; }
    local port; port=$(host_port <<<"$r")
    check "preserveDefaultVlan: VLAN 100 is PVID + untagged" has_vlan "$port" 100 pvid untagged
    check "preserveDefaultVlan: VLAN 1 kept, untagged, not PVID" has_vlan "$port" 1 untagged
    cni DEL pdv-a pdv-a "$c" >/dev/null
}

# isGateway with a VLAN: the gateway sits on BRIDGE.VLAN, whose bridge-side peer is an access port of the VLAN.
# Containers of that VLAN reach it; a container of another VLAN with an address in the same subnet does not.
case_vlan_gateway() {
    newns gw-a; newns gw-b; newns gw-c
    local c c2 ra rb rc
    c=$(conf gw400 brg "\"vlan\":400,\"isGateway\":true,$(hostlocal 10.93.0.0/24 10.93.0.10 10.93.0.19)")
    c2=$(conf gw401 brg "\"vlan\":401,$(hostlocal 10.93.0.0/24 10.93.0.20 10.93.0.29)")
    ra=$(add_ok gw-a gw-a "$c") && rb=$(add_ok gw-b gw-b "$c") && rc=$(add_ok gw-c gw-c "$c2") || { bad "vlan gateway: ADD"; return; }
    check "vlan gateway: result lists brg.400" jqt '[.interfaces[].name] | index("brg.400") != null' <<<"$ra"
    check "vlan gateway: brg.400 carries 10.93.0.1/24" jqt '[.[0].addr_info[] | select(.local == "10.93.0.1" and .prefixlen == 24)] | length == 1' \
        <<<"$(ip -j addr show dev brg.400)"
    check "vlan gateway: the bridge itself has no gateway address" jqt '[.[0].addr_info[] | select(.family == "inet")] | length == 0' \
        <<<"$(ip -j addr show dev brg)"
    check "vlan gateway: one brg.400 for two containers" test "$(ip -j link show | jq '[.[] | select(.ifname == "brg.400")] | length')" = 1
    local peer
    peer=$(ip -j link show master brg | jq -r --arg a "$(host_port <<<"$ra")" --arg b "$(host_port <<<"$rb")" --arg c "$(host_port <<<"$rc")" \
        '[.[] | .ifname | select(. != $a and . != $b and . != $c)] | .[0] // ""')
    check "vlan gateway: its bridge-side peer is a port of brg" test -n "$peer"
    [ -n "$peer" ] && check "vlan gateway: peer $peer is PVID + untagged in VLAN 400" has_vlan "$peer" 400 pvid untagged
    [ -n "$peer" ] && check "vlan gateway: peer left default VLAN 1" lacks_vlan "$peer" 1
    check "vlan gateway: result names 10.93.0.1 as the gateway" jqt '.ips[0].gateway == "10.93.0.1"' <<<"$ra"
    check "vlan gateway: ip_forward on" test "$(cat /proc/sys/net/ipv4/ip_forward)" = 1
    check "vlan gateway: a -> gateway" pingc gw-a 10.93.0.1
    check "vlan gateway: b -> gateway" pingc gw-b 10.93.0.1
    check "vlan gateway: c (VLAN 401) -/-> gateway" not pingc gw-c 10.93.0.1
    check "vlan gateway: DEL a" cni DEL gw-a gw-a "$c"
    check "vlan gateway: DEL b" cni DEL gw-b gw-b "$c"
    check "vlan gateway: brg.400 stays after DEL (as the reference)" ip link show dev brg.400
    cni DEL gw-c gw-c "$c2" >/dev/null
}

run_cases "bridge VLAN" "$IPAM_DIR" case_access_ports case_trunk_port case_preserve_default_vlan case_vlan_gateway
