#!/bin/bash
# guest-lib.sh - sourced by the *-guest.sh scripts inside the VM (they all ride in /opt/bins): the assertion
# helpers, running a plugin as a runtime does, and the case loop with its "N passed, N failed" summary line.
BINS=${BIN_DIR:-/opt/bins}
pass=0; fail=0
ok()  { echo "PASS $*"; pass=$((pass+1)); }
bad() { echo "FAIL $*"; fail=$((fail+1)); }
# check NAME CMD...: one assertion; on failure the command's output is shown indented.
check() { local name=$1; shift; local out; if out=$("$@" 2>&1); then ok "$name"; else bad "$name"; echo "$out" | sed 's/^/    /'; fi; }
not()   { ! "$@"; }

# run_plugin PLUGIN VERB CONTAINER-ID NETNS-NAME CONFIG -> the plugin's stdout; exit status kept. An empty
# netns name sends an empty CNI_NETNS (DEL after the container is gone, GC, STATUS).
run_plugin() {
    local plugin=$1 verb=$2 cid=$3 ns=$4 conf=$5 nspath=""
    [ -n "$ns" ] && nspath=/run/netns/$ns
    printf '%s' "$conf" | env -i PATH="$PATH" CNI_COMMAND="$verb" CNI_CONTAINERID="$cid" CNI_NETNS="$nspath" \
        CNI_IFNAME=eth0 CNI_PATH="$BINS" "$BINS/$plugin"
}
# pingc NS ADDRESS: one ping, retried once (a fresh link may still be settling). -6 for IPv6 literals.
pingc() {
    local six=(); [[ $2 == *:* ]] && six=(-6)
    ip netns exec "$1" ping "${six[@]}" -c1 -W2 "$2" >/dev/null 2>&1 || ip netns exec "$1" ping "${six[@]}" -c1 -W2 "$2" >/dev/null 2>&1
}
newns() { ip netns add "$1" && ip -n "$1" link set lo up; }
jqt() { jq -e "$@" >/dev/null; }                                      # jq as a test: true/false
first_ip() { jq -r '.ips[0].address | split("/")[0]'; }

# run_cases WHAT IPAM_DIR CASE...: runs each case function; exit status non-zero on any failed assertion.
run_cases() {
    local what=$1 ipam_dir=$2; shift 2
    echo "kernel $(uname -r): $what cases with $(ls "$BINS" | tr '\n' ' ')"
    mkdir -p "$ipam_dir"
    for t in "$@"; do
        echo "--- ${t#case_}"
        "$t"
    done
    echo "$pass passed, $fail failed"
    [ "$fail" = 0 ]
}
