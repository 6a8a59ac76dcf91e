#!/usr/bin/env bash
# The benchmark command: builds what it needs, starts a moto of its own, runs the harness
# (bench/) and prints one table with every figure of docs/performance.md:
#   init (exec to first GET .../invocation/next) against a bare lambda_http + axum floor,
#   first and warm invokes, bootstrap and zip sizes (x86_64, arm64 where that target is
#   installed), peak RSS over 1,000 warm invokes, DynamoDB round trips per endpoint, the
#   overview at 1,000 and 100,000 customers, deleting a customer with 1,000 business
#   transactions, one specialist's need-to-know overview and search at 1,000 and 100,000
#   customers and a 2,000-customer handover (section ntk), and the local server under 10 s
#   of loopback load (wrk) per path;
#   the cold request (exec to first response) with AWS over HTTPS, at full CPU and under the
#   CPU quota of 128 MB, next to the floor and a default-SDK reference (bench/default-sdk).
#
#   scripts/bench.sh [harness options]   # e.g. --starts 30, --scale 20000, --sections init,size
#   scripts/bench.sh --sections ntk --handover 2000   # need-to-know overview and handover only
#   BENCH_SKIP_ARM64=1 scripts/bench.sh  # x86_64 only (the arm64 build doubles the build time)
#   BENCH_SKIP_BUILD=1 scripts/bench.sh --x86-bin DIR ...  # no builds: the binaries already built
#
# The table is also written to bench-results/latest.md (logs in bench-results/logs/).
# Builds run with nice -n 10, one cargo build at a time.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/dokumentenaustausch/target}"
export CARGO_TERM_COLOR=never
export PATH="$root/.venv/bin:$PATH"
started=$SECONDS
functions=(customers accesses authorisations registration transactions)

step() { printf '\n== %s\n' "$*" >&2; }

step "setup: Python venv (moto, cargo-lambda, zig)"
scripts/setup-venv.sh >&2

if ! command -v wrk >/dev/null; then
    step "setup: wrk (Debian)"
    if ! apt-get install -y wrk >/dev/null 2>&1; then
        apt-get update >/dev/null && apt-get install -y wrk >/dev/null
    fi
fi

build_arch() { # target lambda-dir
    local target="$1" dir="$2"
    if [[ "${BENCH_SKIP_BUILD:-0}" == 1 ]]; then
        echo "builds skipped (BENCH_SKIP_BUILD=1)" >&2
        return
    fi
    # One function per build, as `sam build` does (each in its own package): cargo unifies
    # features over the packages of one build, and each function enables on `shared` only the
    # SDK clients of its grants.
    local f
    for f in "${functions[@]}"; do
        step "cargo lambda build --release --target $target -p $f"
        nice -n 10 cargo lambda build --release --target "$target" --output-format zip \
            --lambda-dir "$dir" -p "$f" >&2
    done
    # The floor on its own, so that no feature of the functions' dependencies leaks into it.
    step "cargo lambda build --release --target $target (bench-floor)"
    nice -n 10 cargo lambda build --release --target "$target" --output-format zip \
        --lambda-dir "$dir" -p bench-floor >&2
    # The default-SDK reference: a workspace of its own (its default features stay out of
    # the project's builds), same target directory and release profile.
    # It keeps aws-lc's default (CPU-jitter entropy on), which .cargo/config.toml turns off for
    # the project's builds: a variable set in the environment wins over that file.
    step "cargo lambda build --release --target $target (bench-default-sdk)"
    AWS_LC_SYS_NO_JITTER_ENTROPY=0 nice -n 10 cargo lambda build --release --target "$target" --output-format zip \
        --lambda-dir "$dir" --manifest-path bench/default-sdk/Cargo.toml >&2
}

x86_target=x86_64-unknown-linux-gnu
build_arch "$x86_target" "$CARGO_TARGET_DIR/lambda-x86_64"
args=(--x86-bin "$CARGO_TARGET_DIR/$x86_target/release" --x86-zip "$CARGO_TARGET_DIR/lambda-x86_64"
    --default-sdk "$CARGO_TARGET_DIR/$x86_target/release/bench-default-sdk")

arm_target=aarch64-unknown-linux-gnu
if [[ "${BENCH_SKIP_ARM64:-0}" == 1 ]]; then
    echo "arm64: skipped (BENCH_SKIP_ARM64=1)" >&2
    args+=(--arm-note "arm64: skipped (BENCH_SKIP_ARM64=1)")
elif rustup target list --installed 2>/dev/null | grep -qx "$arm_target"; then
    # The deployed build first (sam build, as scripts/release.sh runs it before a deploy): its
    # zip sizes are the ones the table's targets judge; the harness's own arm64 builds below
    # then reuse its compiled units.
    if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
        step "release build (scripts/release.sh: sam build, arm64)"
        nice -n 10 scripts/release.sh --skip-lint >&2
    fi
    build_arch "$arm_target" "$CARGO_TARGET_DIR/lambda-arm64"
    args+=(--arm-bin "$CARGO_TARGET_DIR/$arm_target/release" --arm-zip "$CARGO_TARGET_DIR/lambda-arm64")
else
    echo "arm64: target not installed" >&2
    args+=(--arm-note "arm64: target not installed (rustup target add $arm_target)")
fi

# The harness, and the local server as `cargo run -p local-server` builds it (dev profile,
# dependencies at opt-level 1): both share the test builds' dependencies.
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    step "cargo build -p bench -p local-server (dev profile)"
    nice -n 10 cargo build --quiet -p bench -p local-server >&2
fi
args+=(--local-server "$CARGO_TARGET_DIR/debug/local-server")

step "moto (a server of its own, so that no test run shares it)"
export MOTO_RUN_DIR="$root/.run/moto-bench"
eval "$(scripts/moto.sh start)"
tls="$(mktemp -d)"
proxy_pid=
cleanup() {
    if [[ -n "$proxy_pid" ]]; then kill "$proxy_pid" 2>/dev/null || true; fi
    rm -rf "$tls"
    scripts/moto.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
echo "moto at $MOTO_ENDPOINT" >&2

# HTTPS for the cold rows: a test CA made now, a server certificate for 127.0.0.1 and a
# certificate store of realistic size (the system's certificates plus the test CA, with the
# hash links OpenSSL's directory lookup uses) that the functions get as SSL_CERT_DIR, which
# rustls-native-certs reads as on Lambda; a TLS terminator (scripts/tls_proxy.py) in front
# of moto.
step "TLS: test CA, certificate store, terminator in front of moto"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
openssl req -x509 "${ec[@]}" -days 2 -subj "/CN=dokumentenaustausch bench test CA" \
    -keyout "$tls/ca.key" -out "$tls/ca.pem" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req "${ec[@]}" -subj "/CN=127.0.0.1" -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "basicConstraints=critical,CA:FALSE" \
    "extendedKeyUsage=serverAuth" "keyUsage=critical,digitalSignature" >"$tls/server.ext"
openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial \
    -days 2 -out "$tls/server.pem" -extfile "$tls/server.ext" 2>/dev/null
mkdir "$tls/certs"
cp -L /etc/ssl/certs/*.pem "$tls/certs/"
cp "$tls/ca.pem" "$tls/certs/dokumentenaustausch-bench-test-ca.pem"
openssl rehash "$tls/certs" 2>/dev/null
.venv/bin/python scripts/tls_proxy.py --cert "$tls/server.pem" --key "$tls/server.key" \
    --backend "${MOTO_ENDPOINT#http://}" >"$tls/proxy.url" 2>"$tls/proxy.log" &
proxy_pid=$!
for _ in $(seq 100); do [[ -s "$tls/proxy.url" ]] && break; sleep 0.1; done
https_url="$(head -n1 "$tls/proxy.url")"
if [[ -n "$https_url" ]]; then
    echo "TLS terminator at $https_url, $(ls "$tls/certs" | wc -l) entries in the certificate store" >&2
    args+=(--https "$https_url" --cert-dir "$tls/certs")
else
    echo "TLS terminator did not start (the cold rows say skipped): $(cat "$tls/proxy.log")" >&2
fi

mkdir -p bench-results
step "harness (builds took $((SECONDS - started)) s)"
"$CARGO_TARGET_DIR/debug/bench" --moto "$MOTO_ENDPOINT" --root "$root" "${args[@]}" \
    --out bench-results/latest.md "$@"
echo "bench: $((SECONDS - started)) s in all" >&2
