#!/usr/bin/env bash
# Build, demo, test, install and benchmark the C# NativeAOT CNI plugins.
#
#   ./build.sh                 publish every cmd/* as a NativeAOT binary into out/bin/, then run the demo
#   ./build.sh build           publish only (no demo)
#   ./build.sh demo            run the demo against the binaries already in out/bin/
#   ./build.sh test            install missing test tools (apt), publish, run every test project, the VM tests
#                              and the conformance runner against out/bin
#   ./build.sh conformance     the conformance runner alone, against out/bin
#   ./build.sh install [DIR]   copy out/bin/* to DIR (default /opt/cni/bin), publishing first if anything is missing
#   ./build.sh bench [ARGS]    publish, then run tests/Cni.Bench (ARGS go to the harness, e.g. -n 200)
#
# Environment: FORCE=1 republishes even when out/bin looks up to date.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

RID=linux-x64
OUT_BIN="$ROOT/out/bin"
STAGE="$ROOT/out/obj"          # publish staging: nothing but the executables leaves this directory
REF_BIN=/usr/lib/cni
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say()  { printf '\033[1m==> %s\033[0m\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die()  { printf '\033[1;31mFAILED: %s\033[0m\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# ---------------------------------------------------------------------------------------------------
# Discovery: the plugin list is whatever cmd/*/*.csproj exists, so new plugins need no edit here.
# ---------------------------------------------------------------------------------------------------
cmd_projects() { compgen -G 'cmd/*/*.csproj' | sort || true; }

# The installed name is the project's AssemblyName (the directory name when it sets none).
binary_name() {
    local name
    name="$(sed -n 's:.*<AssemblyName>\(.*\)</AssemblyName>.*:\1:p' "$1" | head -n1)"
    [ -n "$name" ] || name="$(basename "$(dirname "$1")")"
    printf '%s\n' "$name"
}

# A binary is stale when it is missing or any input of its project is newer. Inputs are the project's own
# folder, the shared libraries (plugins/, ipam/), the central build files and this script; build output
# and docs are not inputs. Cheap, and it lets a no-change ./build.sh skip msbuild entirely.
is_stale() {
    local proj="$1" bin="$OUT_BIN/$(binary_name "$1")"
    [ -x "$bin" ] || return 0
    [ -n "$(find "$(dirname "$proj")" plugins ipam cmd/Directory.Build.props Directory.Build.props \
        Directory.Packages.props global.json build.sh \
        \( -name bin -o -name obj \) -prune -o -type f ! -name '*.md' -newer "$bin" -print -quit 2>/dev/null)" ]
}

# ---------------------------------------------------------------------------------------------------
# Publish: one msbuild invocation over every stale cmd project (one restore, -m parallel nodes),
# staged in out/obj, then only the stripped executable is copied to out/bin/<name>.
# ---------------------------------------------------------------------------------------------------
publish() {
    command -v dotnet >/dev/null || die "dotnet (SDK 10) is not on PATH"
    local projects=() stale=() p
    mapfile -t projects < <(cmd_projects)
    [ "${#projects[@]}" -gt 0 ] || die "no cmd/*/*.csproj found"
    for p in "${projects[@]}"; do
        if [ "${FORCE:-0}" = 1 ] || is_stale "$p"; then stale+=("$p"); fi
    done
    if [ "${#stale[@]}" -eq 0 ]; then
        say "out/bin is up to date (${#projects[@]} binaries; FORCE=1 to republish)"
        return 0
    fi

    say "Publishing ${#stale[@]} of ${#projects[@]} plugins (NativeAOT, $RID): $(for p in "${stale[@]}"; do binary_name "$p"; done | tr '\n' ' ')"
    rm -rf "$STAGE/publish"
    mkdir -p "$STAGE/publish" "$OUT_BIN"
    # A throwaway solution filter lists just the stale projects, so msbuild restores once and builds
    # the shared libraries once for all of them, publishing in parallel (-m).
    {
        echo '<Solution>'
        for p in "${stale[@]}"; do echo "  <Project Path=\"../../$p\" />"; done
        echo '</Solution>'
    } >"$STAGE/plugins.slnx"

    local start=$SECONDS stamp
    # Binaries get the time the publish started, so a source saved during the publish still counts as newer.
    stamp="$(date +%s.%N)"
    # -warnaserror on top of the props: any warning (analyzer, IL2xxx/IL3xxx trim/AOT, NuGet) fails the build.
    if ! dotnet publish "$STAGE/plugins.slnx" -c Release -r "$RID" -m -nologo -warnaserror \
        -clp:ErrorsOnly -p:PublishDir="$STAGE/publish/"; then
        die "publish failed (see the errors above)"
    fi

    local name src
    for p in "${stale[@]}"; do
        name="$(binary_name "$p")"
        src="$STAGE/publish/$name"
        [ -f "$src" ] || die "publish produced no executable for $p (expected $src)"
        head -c4 "$src" | grep -q 'ELF' || die "$src is not a native ELF executable (is PublishAot on?)"
        install -m 0755 "$src" "$OUT_BIN/$name"
        touch -d "@$stamp" "$OUT_BIN/$name"
        info "$(printf '%-12s %6s KB' "$name" "$(( $(stat -c %s "$OUT_BIN/$name") / 1024 ))")"
    done
    say "Published in $((SECONDS - start)) s -> out/bin/"
}

# ---------------------------------------------------------------------------------------------------
# Demo: what the plugins do today, readable for a human. Grows as plugins land.
# ---------------------------------------------------------------------------------------------------
run_plugin() { # run_plugin BIN CMD NETNS IFNAME CONFIG -> stdout of the plugin; exit code preserved
    local bin="$1" cmd="$2" netns="$3" ifname="$4" conf="$5"
    printf '%s' "$conf" | env -i PATH="$PATH" CNI_COMMAND="$cmd" CNI_CONTAINERID=demo-container \
        CNI_NETNS="$netns" CNI_IFNAME="$ifname" CNI_PATH="$OUT_BIN" "$bin"
}

lo_state() { ip -n "$1" -j link show lo | jq -r '.[0].flags | if index("UP") then "UP" else "DOWN" end'; }

demo() {
    say "Demo: VERSION of every plugin in out/bin"
    local bin out name
    for bin in "$OUT_BIN"/*; do
        [ -x "$bin" ] || continue
        name="$(basename "$bin")"
        [ "$name" = cnictl ] && continue   # a tool, not a plugin: it has no VERSION verb
        if out="$(env -i CNI_COMMAND=VERSION "$bin" <<<'{"cniVersion":"1.0.0"}' 2>&1)"; then
            [ -n "$out" ] || out="(printed nothing - placeholder, plugin not implemented yet)"
            info "$(printf '%-12s %s' "$name" "$out")"
        else
            die "$name VERSION exited with $?: $out"
        fi
    done

    say "Demo: loopback ADD / DEL in a throwaway network namespace"
    if ! is_root; then
        info "skipped: creating a network namespace needs root (run: sudo ./build.sh demo)"
        return 0
    fi
    [ -x "$OUT_BIN/loopback" ] || { info "skipped: out/bin/loopback is not built"; return 0; }
    command -v ip >/dev/null && command -v jq >/dev/null || { info "skipped: needs ip (iproute2) and jq"; return 0; }

    local ns="cni-demo-$$" conf rc
    # The namespace goes away however this ends (error, die, Ctrl-C): INT/TERM exit, and EXIT cleans up.
    trap 'ip netns del "'"$ns"'" 2>/dev/null || true' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    ip netns add "$ns"
    local nspath="/var/run/netns/$ns"
    conf='{"cniVersion":"1.0.0","name":"demo","type":"loopback"}'
    info "namespace $ns created; lo is $(lo_state "$ns")"
    info "config: $conf"

    local placeholder=0
    [ -n "$(env -i CNI_COMMAND=VERSION "$OUT_BIN/loopback" <<<'{}' 2>/dev/null)" ] || placeholder=1

    set +e; out="$(run_plugin "$OUT_BIN/loopback" ADD "$nspath" lo "$conf" 2>&1)"; rc=$?; set -e
    info "ADD exit $rc, printed: ${out:-(nothing)}"
    [ "$rc" -eq 0 ] || die "loopback ADD failed"
    local after_add; after_add="$(lo_state "$ns")"
    info "after ADD lo is $after_add  ($(ip -n "$ns" -br addr show lo | tr -s ' '))"

    set +e; out="$(run_plugin "$OUT_BIN/loopback" DEL "$nspath" lo "$conf" 2>&1)"; rc=$?; set -e
    info "DEL exit $rc, printed: ${out:-(nothing)}"
    [ "$rc" -eq 0 ] || die "loopback DEL failed"
    local after_del; after_del="$(lo_state "$ns")"
    info "after DEL lo is $after_del"

    ip netns del "$ns"; trap - EXIT INT TERM
    info "namespace $ns deleted"
    if [ "$placeholder" = 1 ]; then
        info "note: loopback is still a placeholder, so lo did not change; the check becomes strict when it lands"
    elif [ "$after_add" != UP ] || [ "$after_del" != DOWN ]; then
        die "loopback: expected lo UP after ADD and DOWN after DEL, saw $after_add / $after_del"
    else
        say "Demo OK: loopback brought lo up on ADD and down on DEL"
    fi

    # The whole suite as a runtime drives it: cnictl runs the embedded default network (bridge + host-local +
    # portmap + firewall + tuning) for two containers in throwaway namespaces, shows traffic, tears down and
    # proves nothing is left.
    say "Demo: cnictl demo (the default network, two containers, traffic, teardown)"
    [ -x "$OUT_BIN/cnictl" ] || die "out/bin/cnictl is not built"
    "$OUT_BIN/cnictl" demo || die "cnictl demo failed"
}

# ---------------------------------------------------------------------------------------------------
# Test prerequisites: apt-get only what is missing, and `apt-get update` only when installing.
# ---------------------------------------------------------------------------------------------------
ensure_packages() { # ensure_packages "cmd-or-path:package" ...
    local missing=() spec what pkg
    for spec in "$@"; do
        what="${spec%%:*}"; pkg="${spec#*:}"
        if [[ "$what" == /* ]]; then [ -e "$what" ] || missing+=("$pkg")
        else command -v "$what" >/dev/null || missing+=("$pkg"); fi
    done
    [ "${#missing[@]}" -gt 0 ] || return 0
    if ! is_root || ! command -v apt-get >/dev/null; then
        info "missing packages: ${missing[*]} (not root or no apt-get: install them yourself; dependent tests will fail or skip)"
        return 0
    fi
    say "Installing missing packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# --- e2e (tests/Cni.E2E.Tests; owned by the e2e tests) ----------------------------------------------
# podman (CNI backend) + runc run real containers on our plugins; busybox-static is the one binary the
# tests' local image is made of, so it must be the static build (a dynamic busybox would not run in an
# image without libc). The tests skip with a reason when any of these is missing.
e2e_deps() {
    ensure_packages podman:podman runc:runc
    # ldd fails on a static executable; a dynamic /bin/busybox (package busybox) gets replaced.
    if [ -x /bin/busybox ] && ldd /bin/busybox >/dev/null 2>&1; then
        if is_root && command -v apt-get >/dev/null; then
            say "Replacing the dynamic busybox with busybox-static"
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends busybox-static
        else
            info "/bin/busybox is dynamically linked: install busybox-static yourself (the e2e tests will skip)"
        fi
    else
        ensure_packages /bin/busybox:busybox-static
    fi
}
# --- end e2e -----------------------------------------------------------------------------------------

test_deps() {
    ensure_packages ip:iproute2 nft:nftables iptables:iptables jq:jq ping:iputils-ping strace:strace \
        "$REF_BIN/loopback:containernetworking-plugins"
    e2e_deps
}

# Every test project: tests/*/*.Tests.csproj (and conformance/ ones when they appear). Run one by one so
# the summary can say which project failed; all run even after a failure.
test_counts() { # "passed P, failed F, skipped S of T" from a VSTest console log
    local log="$1" n k out=""
    for k in Passed Failed Skipped; do
        n="$(grep -E "^ +$k: +[0-9]+" "$log" | tail -n1 | grep -oE '[0-9]+' || true)"
        out+="${k,,} ${n:-0}, "
    done
    n="$(grep -E '^Total tests: +[0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+' || true)"
    if [ -n "$n" ]; then printf '%s\n' "${out%, } of $n"; else echo "no tests found"; fi
}

run_tests() {
    local projects=() p name log rc failed=0 start
    mapfile -t projects < <({ compgen -G 'tests/*/*.Tests.csproj'; compgen -G 'conformance/*/*.Tests.csproj'; } | sort || true)
    [ "${#projects[@]}" -gt 0 ] || die "no test projects found"
    rm -rf "$ROOT/out/test-logs"
    mkdir -p "$ROOT/out/test-logs" "$STAGE"
    # Build them all first in one parallel msbuild run (shared libraries compile once), then test --no-build.
    say "Building ${#projects[@]} test projects"
    { echo '<Solution>'; for p in "${projects[@]}"; do echo "  <Project Path=\"../../$p\" />"; done; echo '</Solution>'; } \
        >"$STAGE/tests.slnx"
    dotnet build "$STAGE/tests.slnx" -m -nologo -warnaserror -clp:ErrorsOnly || die "test projects do not build"
    local summary=()
    for p in "${projects[@]}"; do
        name="$(basename "$p" .csproj)"
        log="$ROOT/out/test-logs/$name.log"
        say "dotnet test $p"
        start=$SECONDS
        set +e
        # detailed verbosity lists every test, and every skip with its reason, in the CI log.
        dotnet test "$p" --no-build -nologo --logger "console;verbosity=detailed" 2>&1 | tee "$log"
        rc=${PIPESTATUS[0]}
        set -e
        if [ "$rc" -ne 0 ]; then
            failed=$((failed + 1))
            summary+=("$(printf 'FAIL  %-22s %s (exit %s, %ss)' "$name" "$(test_counts "$log")" "$rc" $((SECONDS - start)))")
        else
            summary+=("$(printf 'ok    %-22s %s (%ss)' "$name" "$(test_counts "$log")" $((SECONDS - start)))")
        fi
    done
    say "Test summary (logs in out/test-logs/)"
    printf '    %s\n' "${summary[@]}"
    # Skips are allowed only with a reason (a missing kernel feature); list them so nobody misses one.
    local skips
    skips="$(awk '/^  Skipped /{name=$2; getline; getline; sub(/^ +/, ""); print "skipped " name ": " $0}' \
        "$ROOT"/out/test-logs/*.log)"
    [ -z "$skips" ] || sed 's/^/    /' <<<"$skips"
    [ "$failed" -eq 0 ] || die "$failed of ${#projects[@]} test projects failed"
    say "All ${#projects[@]} test projects passed"
    conformance
    vm_tests
}

# The kernel-dependent cases (ipvlan, 802.1Q VLAN masters, macvlan over a VLAN, bridge VLAN filtering) in one
# qemu boot of Debian's kernel: this machine's kernel has neither ipvlan, 8021q nor bridge vlan_filtering. A VM
# that cannot start fails the run.
vm_tests() {
    say "VM tests: tests/vm/run-vm-tests.sh (Debian kernel under qemu TCG, one boot)"
    bash tests/vm/run-vm-tests.sh "$OUT_BIN" || die "VM tests failed (a VM that cannot start is a failure, not a skip)"
}

# The black-box conformance runner (checks C1-C64 of the spec digest) against our published binaries.
conformance() {
    say "Conformance: cni-conformance --plugins out/bin"
    dotnet build conformance/Cni.Conformance -c Release -nologo -warnaserror -v:q -clp:ErrorsOnly \
        || die "conformance runner does not build"
    if ! is_root; then info "skipped: the conformance runner needs root (network namespaces)"; return 0; fi
    conformance/Cni.Conformance/bin/Release/net10.0/$RID/cni-conformance --plugins "$OUT_BIN" \
        --junit "$ROOT/out/conformance.xml" || die "conformance checks failed (out/conformance.xml)"
}

install_bins() {
    local dir="${1:-/opt/cni/bin}" p need=0
    for p in $(cmd_projects); do [ -x "$OUT_BIN/$(binary_name "$p")" ] || need=1; done
    [ "$need" = 0 ] || publish
    mkdir -p "$dir"
    for p in $(cmd_projects); do install -m 0755 "$OUT_BIN/$(binary_name "$p")" "$dir/"; done
    say "Installed $(cmd_projects | wc -l) binaries into $dir"
}

bench() {
    test_deps
    publish
    # The harness measures through a tiny NativeAOT spawner (see tests/Cni.Bench/Spawner/Program.cs for why).
    local spawner="$STAGE/bench/cni-bench-spawn"
    if [ ! -x "$spawner" ] || [ -n "$(find tests/Cni.Bench/Spawner tests/Cni.Bench/Interop \( -name bin -o -name obj \) -prune \
            -o -type f -newer "$spawner" -print -quit)" ]; then
        say "Publishing the benchmark spawner"
        dotnet publish tests/Cni.Bench/Spawner -c Release -r "$RID" -nologo -warnaserror -clp:ErrorsOnly \
            -o "$STAGE/bench" || die "spawner publish failed"
    fi
    dotnet build tests/Cni.Bench -c Release -nologo -warnaserror -v:q || die "benchmark build failed"
    say "Benchmark: ours (out/bin) vs reference ($REF_BIN)"
    dotnet run -c Release --no-build --project tests/Cni.Bench -- \
        --ours "$OUT_BIN" --ref "$REF_BIN" --spawner "$spawner" "$@"
}

case "${1:-all}" in
    all)     publish; demo ;;
    build)   publish ;;
    demo)    demo ;;
    conformance) conformance ;;
    test)    test_deps; publish; run_tests ;;
    install) shift; install_bins "${1:-}" ;;
    bench)   shift; bench "$@" ;;
    -h|--help|help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) die "unknown command '$1' (try ./build.sh help)" ;;
esac
