#!/bin/bash
# parent-links-guest.sh - runs INSIDE the VM (as root, Debian's kernel with ipvlan and 8021q), started by
# tests/vm/run-vm-tests.sh through run-in-vm.sh. Drives our macvlan/ipvlan binaries (in /opt/bins, with
# host-local and static) exactly as a runtime does - CNI_* environment and config on stdin - and asserts
# the kernel state with `ip -j` + jq and real pings between namespaces. One function per case; the last
# line is "N passed, N failed" and the exit status is non-zero on any failure.
set -u
# shellcheck source=guest-lib.sh
. "$(dirname "$0")/guest-lib.sh"
IPAM_DIR=/tmp/cni-ipam

# cni PLUGIN VERB CONTAINER-ID NETNS-NAME CONFIG -> the plugin's stdout (guest-lib.sh run_plugin).
cni() { run_plugin "$@"; }
add_ok() { local out; out=$(cni "$@") || { echo "ADD $3 failed: $out" >&2; return 1; }; printf '%s' "$out"; }
# conf TYPE NAME MEMBERS -> a 1.0.0 config (our host-local/static answer 1.0.0 and 1.1.0).
conf() { printf '{"cniVersion":"1.1.0","name":"%s","type":"%s",%s}' "$2" "$1" "$3"; }
hostlocal() { printf '"ipam":{"type":"host-local","dataDir":"%s","ranges":[[{"subnet":"%s"}]]}' "$IPAM_DIR" "$1"; }
static() { printf '"ipam":{"type":"static","addresses":[{"address":"%s"}],"routes":[{"dst":"%s"}]}' "$1" "$2"; }
link_json() { ip -n "$1" -j -d link show dev "$2" 2>/dev/null; }   # ns "" = root namespace
root_link() { ip -j -d link show dev "$1" 2>/dev/null; }

case_ipvlan_l2() {
    ip link add dummy0 type dummy && ip link set dummy0 up
    local c members r1 r2
    members="\"master\":\"dummy0\",\"mode\":\"l2\",$(hostlocal 10.10.0.0/24)"
    c=$(conf ipvlan l2net "$members")
    newns l2-a; newns l2-b
    r1=$(add_ok ipvlan ADD l2-a l2-a "$c") && r2=$(add_ok ipvlan ADD l2-b l2-b "$c") || { bad "ipvlan l2 ADD"; return; }
    check "ipvlan l2: mode l2 read back" jqt '.[0].linkinfo.info_kind == "ipvlan" and .[0].linkinfo.info_data.mode == "l2"' <<<"$(link_json l2-a eth0)"
    check "ipvlan l2: ping a -> b" pingc l2-a "$(first_ip <<<"$r2")"
    check "ipvlan l2: ping b -> a" pingc l2-b "$(first_ip <<<"$r1")"
    check "ipvlan l2: CHECK ok" cni ipvlan CHECK l2-a l2-a "${c%\}},\"prevResult\":$r1}"
    check "ipvlan l2: DEL a" cni ipvlan DEL l2-a l2-a "$c"
    check "ipvlan l2: link gone after DEL" not link_json l2-a eth0
    check "ipvlan l2: lease released" not test -e "$IPAM_DIR/l2net/$(first_ip <<<"$r1")"
    cni ipvlan DEL l2-b l2-b "$c" >/dev/null
}

case_ipvlan_l3() {
    ip link add dummy1 type dummy && ip link set dummy1 up
    newns l3-a; newns l3-b
    # Two subnets, no gateway: in l3 mode the master routes between its slaves by destination address.
    add_ok ipvlan ADD l3-a l3-a "$(conf ipvlan l3a "\"master\":\"dummy1\",\"mode\":\"l3\",$(static 10.20.1.2/24 10.20.0.0/16)")" >/dev/null &&
    add_ok ipvlan ADD l3-b l3-b "$(conf ipvlan l3b "\"master\":\"dummy1\",\"mode\":\"l3\",$(static 10.20.2.2/24 10.20.0.0/16)")" >/dev/null ||
        { bad "ipvlan l3 ADD"; return; }
    check "ipvlan l3: mode l3 read back" jqt '.[0].linkinfo.info_data.mode == "l3"' <<<"$(link_json l3-a eth0)"
    check "ipvlan l3: ping across subnets a -> b" pingc l3-a 10.20.2.2
    check "ipvlan l3: ping across subnets b -> a" pingc l3-b 10.20.1.2
}

case_ipvlan_l3s_ipv6() {
    ip link add dummy2 type dummy && ip link set dummy2 up
    newns l3s-a; newns l3s-b
    add_ok ipvlan ADD l3s-a l3s-a "$(conf ipvlan v6a "\"master\":\"dummy2\",\"mode\":\"l3s\",$(static fd00:77::1/64 fd00::/16)")" >/dev/null &&
    add_ok ipvlan ADD l3s-b l3s-b "$(conf ipvlan v6b "\"master\":\"dummy2\",\"mode\":\"l3s\",$(static fd00:77::2/64 fd00::/16)")" >/dev/null ||
        { bad "ipvlan l3s ADD"; return; }
    check "ipvlan l3s: mode l3s read back" jqt '.[0].linkinfo.info_data.mode == "l3s"' <<<"$(link_json l3s-a eth0)"
    check "ipvlan l3s: IPv6 address on eth0" jqt '[.[0].addr_info[] | select(.local == "fd00:77::1")] | length == 1' \
        <<<"$(ip -n l3s-a -j addr show dev eth0)"
    sleep 1   # let any DAD finish before the first packet
    check "ipvlan l3s: ping6 a -> b" pingc l3s-a fd00:77::2
}

# flags: bridge (default) lets siblings talk, private and vepa keep sibling traffic off the master's inside
# path (vepa hands it to the wire; a dummy wire drops it).
case_ipvlan_flags() {
    local flag i=0 expect
    for flag in bridge private vepa; do
        i=$((i+1))
        ip link add "dummyf$i" type dummy && ip link set "dummyf$i" up
        newns "f$i-a"; newns "f$i-b"
        local c; c=$(conf ipvlan "flags$i" "\"master\":\"dummyf$i\",\"flags\":\"$flag\",$(hostlocal 10.6$i.0.0/24)")
        local r1 r2 other
        r1=$(add_ok ipvlan ADD "f$i-a" "f$i-a" "$c") && r2=$(add_ok ipvlan ADD "f$i-b" "f$i-b" "$c") || { bad "ipvlan flags $flag ADD"; continue; }
        check "ipvlan flags $flag: read back" sh -c "ip -n f$i-a -d link show dev eth0 | grep -q 'ipvlan  mode l2 $flag'"
        if [ "$flag" = bridge ]; then
            check "ipvlan flags bridge: siblings reach each other" pingc "f$i-a" "$(first_ip <<<"$r2")"
        else
            check "ipvlan flags $flag: sibling traffic blocked" not pingc "f$i-a" "$(first_ip <<<"$r2")"
        fi
        check "ipvlan flags $flag: CHECK ok" cni ipvlan CHECK "f$i-a" "f$i-a" "${c%\}},\"prevResult\":$r1}"
        other=private; [ "$flag" = private ] && other=vepa
        check "ipvlan flags $flag: CHECK refuses flags $other" not cni ipvlan CHECK "f$i-a" "f$i-a" \
            "$(conf ipvlan "flags$i" "\"master\":\"dummyf$i\",\"flags\":\"$other\",$(hostlocal 10.6$i.0.0/24),\"prevResult\":$r1")"
    done
}

# A missing "dummyv.10" is made as VLAN 10 of dummyv, kept while any attachment uses it, removed with the last.
case_vlan_parent() {
    ip link add dummyv type dummy && ip link set dummyv up
    newns v-a; newns v-b
    local c; c=$(conf ipvlan vlannet "\"master\":\"dummyv.10\",$(hostlocal 10.70.0.0/24)")
    add_ok ipvlan ADD v-a v-a "$c" >/dev/null && add_ok ipvlan ADD v-b v-b "$c" >/dev/null || { bad "vlan parent ADD"; return; }
    check "vlan parent: dummyv.10 created as 802.1Q id 10" jqt \
        '.[0].linkinfo.info_kind == "vlan" and .[0].linkinfo.info_data.id == 10 and .[0].link == "dummyv"' <<<"$(root_link dummyv.10)"
    check "vlan parent: ipvlan sits on dummyv.10" test "$(root_link dummyv.10 | jq -r '.[0].ifindex')" = \
        "$(link_json v-a eth0 | jq -r '.[0].link_index')"
    cni ipvlan DEL v-a v-a "$c" >/dev/null
    check "vlan parent: kept while v-b still uses it" root_link dummyv.10
    cni ipvlan DEL v-b "" "$c" >/dev/null    # container already gone: still releases
    check "vlan parent: removed with its last user" not root_link dummyv.10

    # An existing VLAN is someone else's: used, never removed.
    ip link add link dummyv name dummyv.20 type vlan id 20 && ip link set dummyv.20 up
    local c2; c2=$(conf ipvlan vlan20 "\"master\":\"dummyv.20\",$(hostlocal 10.71.0.0/24)")
    add_ok ipvlan ADD v-a v-a "$c2" >/dev/null && cni ipvlan DEL v-a v-a "$c2" >/dev/null
    check "vlan parent: an existing VLAN is left alone" root_link dummyv.20

    # A failed ADD gives back the VLAN it created.
    check "vlan parent: ADD failing in IPAM fails" not cni ipvlan ADD v-a v-a "$(conf ipvlan vlan30 "\"master\":\"dummyv.30\",\"ipam\":{\"type\":\"no-such-ipam\"}")"
    check "vlan parent: rolled back, no dummyv.30" not root_link dummyv.30
    check "vlan parent: rolled back, no eth0" not link_json v-a eth0
}

# macvlan over a VLAN master, talking tagged to a peer that only speaks VLAN 30.
case_macvlan_over_vlan() {
    newns far; newns mv-a
    ip link add trunk type veth peer name trunk netns far && ip link set trunk up
    ip -n far link set trunk up
    ip -n far link add link trunk name trunk.30 type vlan id 30
    ip -n far addr add 10.30.0.254/24 dev trunk.30 && ip -n far link set trunk.30 up
    local c; c=$(conf macvlan mvvlan "\"master\":\"trunk.30\",\"mode\":\"bridge\",$(hostlocal 10.30.0.0/24)")
    add_ok macvlan ADD mv-a mv-a "$c" >/dev/null || { bad "macvlan over vlan ADD"; return; }
    check "macvlan over vlan: trunk.30 is VLAN 30" jqt '.[0].linkinfo.info_data.id == 30' <<<"$(root_link trunk.30)"
    check "macvlan over vlan: macvlan in bridge mode" jqt '.[0].linkinfo.info_kind == "macvlan" and .[0].linkinfo.info_data.mode == "bridge"' <<<"$(link_json mv-a eth0)"
    check "macvlan over vlan: tagged ping to the peer" pingc mv-a 10.30.0.254
    cni macvlan DEL mv-a mv-a "$c" >/dev/null
    check "macvlan over vlan: trunk.30 removed with the macvlan" not root_link trunk.30
}

# The reference ipvlan resolves the default-route master even in DEL and fails without one; ours does not.
case_del_without_default_route() {
    check "no default route in the guest" test -z "$(ip route show default)"
    check "ipvlan DEL without master or default route" cni ipvlan DEL gone "" "$(conf ipvlan nodefault "$(hostlocal 10.72.0.0/24)")"
    local out; out=$(cni ipvlan STATUS "" "" "$(conf ipvlan nodefault "$(hostlocal 10.72.0.0/24)")")
    check "ipvlan STATUS says 50 without master or default route" jqt '.code == 50' <<<"$out"
}

# Chained after another plugin: master and addresses from prevResult.
case_ipvlan_chained() {
    ip link add dummyc type dummy && ip link set dummyc up
    newns ch-a
    local prev='{"cniVersion":"1.1.0","interfaces":[{"name":"dummyc"}],"ips":[{"address":"10.73.0.5/24"}]}'
    local r; r=$(add_ok ipvlan ADD ch-a ch-a "$(conf ipvlan chained "\"prevResult\":$prev")") || { bad "ipvlan chained ADD"; return; }
    check "ipvlan chained: master from prevResult" test "$(ip -j link show dev dummyc | jq -r '.[0].ifindex')" = "$(link_json ch-a eth0 | jq -r '.[0].link_index')"
    check "ipvlan chained: address from prevResult" jqt '[.[0].addr_info[] | select(.local == "10.73.0.5")] | length == 1' <<<"$(ip -n ch-a -j addr show dev eth0)"
}

# The link is created straight inside the container as eth0. Kernels before ~6.14 (this guest's 6.1) look the
# new name up in the host namespace instead and answer EEXIST when the host has an eth0: the plugins then fall
# back to a temporary name renamed inside the container. Either way the host's eth0 is never touched, and no
# temporary name is left anywhere.
case_host_name_clash() {
    # Two masters: a macvlan and an ipvlan cannot share one (the first takes the master's rx handler: EBUSY).
    ip link add dummyh type dummy && ip link set dummyh up
    ip link add dummyi type dummy && ip link set dummyi up
    ip link add eth0 mtu 1400 type dummy
    local idx; idx=$(root_link eth0 | jq -r '.[0].ifindex')
    newns hc-mv; newns hc-ipv
    add_ok macvlan ADD hc-mv hc-mv "$(conf macvlan hcmv "\"master\":\"dummyh\",$(hostlocal 10.74.0.0/24)")" >/dev/null \
        && ok "name clash: macvlan ADD as eth0 next to a host eth0" || bad "name clash: macvlan ADD as eth0 next to a host eth0"
    add_ok ipvlan ADD hc-ipv hc-ipv "$(conf ipvlan hcipv "\"master\":\"dummyi\",$(hostlocal 10.75.0.0/24)")" >/dev/null \
        && ok "name clash: ipvlan ADD as eth0 next to a host eth0" || bad "name clash: ipvlan ADD as eth0 next to a host eth0"
    # Plain string comparisons: jq -e on an empty input (no such link) would pass.
    check "name clash: container eth0 is the macvlan" test "$(link_json hc-mv eth0 | jq -r '.[0].linkinfo.info_kind')" = macvlan
    check "name clash: container eth0 is the ipvlan" test "$(link_json hc-ipv eth0 | jq -r '.[0].linkinfo.info_kind')" = ipvlan
    check "name clash: host eth0 untouched (dummy, same index, mtu 1400)" test \
        "$(root_link eth0 | jq -r '"\(.[0].linkinfo.info_kind) \(.[0].ifindex) \(.[0].mtu)"')" = "dummy $idx 1400"
    check "name clash: no temporary name left on the host" test -z "$(ip -j link show | jq -r '.[].ifname | select(startswith("cni"))')"
    check "name clash: containers hold only lo and eth0" test "$(ip -n hc-mv -j link show | jq -r '[.[].ifname] | sort | join(",")'),$(ip -n hc-ipv -j link show | jq -r '[.[].ifname] | sort | join(",")')" = "eth0,lo,eth0,lo"
    check "name clash: macvlan DEL" cni macvlan DEL hc-mv hc-mv "$(conf macvlan hcmv "\"master\":\"dummyh\",$(hostlocal 10.74.0.0/24)")"
    check "name clash: ipvlan DEL" cni ipvlan DEL hc-ipv hc-ipv "$(conf ipvlan hcipv "\"master\":\"dummyi\",$(hostlocal 10.75.0.0/24)")"
    check "name clash: host eth0 still there after DEL" test "$(root_link eth0 | jq -r '.[0].ifindex')" = "$idx"
    ip link del eth0
}

# bcqueuelen (IFLA_MACVLAN_BC_QUEUE_LEN, Linux 5.11+) is applied and read back; a DEL leaves the master alone.
case_macvlan_bcqueuelen() {
    ip link add dummyb type dummy && ip link set dummyb up
    newns bq-a
    local c; c=$(conf macvlan bqnet "\"master\":\"dummyb\",\"bcqueuelen\":2345,$(hostlocal 10.76.0.0/24)")
    add_ok macvlan ADD bq-a bq-a "$c" >/dev/null || { bad "macvlan bcqueuelen ADD"; return; }
    check "macvlan bcqueuelen: 2345 applied" test "$(link_json bq-a eth0 | jq -r '.[0].linkinfo.info_data.bcqueuelen')" = 2345
    check "macvlan bcqueuelen: DEL" cni macvlan DEL bq-a bq-a "$c"
    check "macvlan bcqueuelen: link gone after DEL" not link_json bq-a eth0
    check "macvlan bcqueuelen: master still there" root_link dummyb
}

run_cases "macvlan/ipvlan/VLAN parent" "$IPAM_DIR" case_ipvlan_l2 case_ipvlan_l3 case_ipvlan_l3s_ipv6 case_ipvlan_flags case_vlan_parent case_macvlan_over_vlan \
         case_del_without_default_route case_ipvlan_chained case_host_name_clash case_macvlan_bcqueuelen
