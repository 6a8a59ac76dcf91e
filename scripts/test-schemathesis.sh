#!/usr/bin/env bash
# Property-based API tests: schemathesis (PyPI, pinned in requirements-dev.txt) against
# openapi.yaml on the local server, once per kind of caller.
#   scripts/test-schemathesis.sh [--full]   # 100 examples per operation, 30 s stateful per role
#   scripts/test-schemathesis.sh --budget   # the same operations, roles and checks with the same
#                                           # seed, 8 examples per operation, 4 s stateful
# The test command runs the full run when openapi.yaml, shared/src/http/ or these scripts
# changed (and on a fresh machine), the budget otherwise (scripts/test.sh).
#
# Starts the local server on a free port with a temporary outbox and signs in
#   specialist      ben: a specialist who is not administrator of the seeded customers
#                   (reads everything, gets 403 on changes, sees only his assigned transaction)
#   administrator   anna: administrator of every customer she creates, the seeded ones included
#   platform-admin  root: groups specialists and admins (break-glass, the specialist directory)
#   end-user        an end user registered through the outbox link and SMS code
# Sign-ins and seeds go through the API itself (scripts/schemathesis_seed.py).
# Before each invocation, anna seeds fresh customers, accesses and business transactions (ben
# is additional processor of one transaction, root a second administrator of one customer);
# schemathesis draws path ids and ids in bodies from them half of the time (dictionaries), so
# reads, edits and deletions reach real objects.
#
# Each role is tested in two invocations with a fixed seed and one worker (with two workers,
# runs here ended in internal errors: "AST constructor recursion depth mismatch" from CPython
# 3.11's ast.parse under hypothesis, and hypothesis's "Inconsistent results"):
#   1. the examples, coverage and fuzzing phases, up to SCHEMATHESIS_MAX_EXAMPLES (100; 8)
#      fuzzed examples per operation (fewer only where fewer distinct requests exist, as for
#      GET /me), bounded by count;
#   2. the stateful phase (scenarios along the links of openapi.yaml), bounded by time:
#      SCHEMATHESIS_STATEFUL_SECONDS (default 30; 4) per role, repeated suites until it is spent.
# Settings shared by both (stateful max-steps, link inference, the checks' per-operation
# expectations) are in schemathesis.toml at the repository root; this script adds the seeded
# dictionaries to a copy of it in a temporary folder, which is also schemathesis's working
# folder, so that its `.schemathesis/` cache never lands in the repository.
#
# Checks: every check schemathesis enables by default (all of them): not_a_server_error,
# status_code_conformance, content_type_conformance, response_headers_conformance,
# response_schema_conformance, negative_data_rejection, positive_data_acceptance,
# missing_required_header, unsupported_method, allow_header_conformance, use_after_free,
# ensure_resource_availability, ignored_auth, object_level_authorization. The last one acts
# only with several identities from a Web Fuzzing Commons auth file (--auth-wfc) and so does
# nothing here, where each run has one bearer token: it replays one identity's reads as the
# others, and by the contract every specialist may read every customer, which it would report.
# positive_data_acceptance holds as it is except where a rule of the contract cannot be
# written in JSON Schema; there schemathesis.toml also accepts the one status that rule answers
# (see its comments), and the check still fails on any other rejection of schema-valid data:
#   - listCustomers, listDeletions, getHistory: a well-formed `cursor` that the server did not
#     sign for this query (400);
#   - createCustomer, updateCustomer, createAccess, updateAccess (422): a `dateOfBirth` in the
#     future (relative to today), a well-formed number that is not a mobile number, a `type`
#     other than the stored one, a new `email` for an active access;
#   - addAdministrators, addAdditionalProcessors, removeAuthorisations (422): ids that are not
#     in the directory or not of this customer, more than 99 specialist-transaction pairs;
#   - startImport (422): a CSV body without the contract's header row, or with invalid rows.
#
# After the runs, scripts/schemathesis_targeted.py (hypothesis, from the same venv) sends what
# schemathesis's generators never do: every body under other media types (415) and forged
# paging cursors (400, never 5xx).
#
# Prints each run's summary line, then `schemathesis: N operations, M examples, F failures`
# and `targeted: N requests, F failures`; exits non-zero on any failure or error.
#
# Environment: CARGO_TARGET_DIR (default: target), LOCAL_SERVER_BIN (use this binary instead of
# building one), SCHEMATHESIS_SEED (default 20260101), SCHEMATHESIS_MAX_EXAMPLES (default 100,
# never less in the full run; 8 in the budget), SCHEMATHESIS_STATEFUL_SECONDS (default 30; 4),
# SCHEMATHESIS_WORKERS (default 1),
# SCHEMATHESIS_ROLES (default: all four, space-separated), SCHEMATHESIS_LOG_DIR (keep each
# run's full output and a HAR file of its requests there).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
MODE=full
case "${1:-}" in
  "" | --full) ;;
  --budget) MODE=budget ;;
  *) echo "usage: $0 [--full | --budget]" >&2; exit 2 ;;
esac
SEED=${SCHEMATHESIS_SEED:-20260101}
if [ "$MODE" = full ]; then
  MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-100}
  STATEFUL_SECONDS=${SCHEMATHESIS_STATEFUL_SECONDS:-30}
else
  MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-8}
  STATEFUL_SECONDS=${SCHEMATHESIS_STATEFUL_SECONDS:-4}
fi
WORKERS=${SCHEMATHESIS_WORKERS:-1}
ROLES=${SCHEMATHESIS_ROLES:-end-user specialist administrator platform-admin}
ST="$ROOT/.venv/bin/schemathesis"
PY="$ROOT/.venv/bin/python"
NAME=test-schemathesis
# shellcheck source=scripts/local-server-harness.sh
. "$ROOT/scripts/local-server-harness.sh"

[ "$MODE" = budget ] || [ "$MAX_EXAMPLES" -ge 100 ] || fail "SCHEMATHESIS_MAX_EXAMPLES must be at least 100 in the full run"

# 1. schemathesis from the project venv.
if [ ! -x "$ST" ]; then
  scripts/setup-venv.sh >/dev/null
fi
[ -x "$ST" ] || fail "no schemathesis in .venv (scripts/setup-venv.sh installs requirements-dev.txt)"

# 2. The local server.
BIN=$(local_server_bin)

PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
BASE_URL="http://127.0.0.1:$PORT"
PORTAL_BASE_URL="$BASE_URL" RUST_LOG=warn "$BIN" --port "$PORT" --outbox "$WORK/outbox" --web "$ROOT/web" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

# 3. Sign-ins (scripts/schemathesis_seed.py, stdlib Python from the venv).
SEED_PY=(env PYTHONDONTWRITEBYTECODE=1 "$PY" "$ROOT/scripts/schemathesis_seed.py" "$BASE_URL")
"${SEED_PY[@]}" wait || fail "local-server did not start" "$WORK/server.log"
"${SEED_PY[@]}" tokens "$WORK/tokens.env" || fail "signing in failed" "$WORK/server.log"
# shellcheck disable=SC1091
. "$WORK/tokens.env"

# 4. The runs. schemathesis works in $WORK: its `.schemathesis/` cache stays out of the clone.
total_operations=0
total_examples=0
total_failures=0
status=0

# One invocation: ROLE PART TOKEN; adds to the role's counts.
run_part() {
  local role=$1 part=$2 token=$3 config out code ops examples failures line args
  # Fresh seeds for every invocation: the previous one may have deleted them.
  config="$WORK/schemathesis-$role-$part.toml"
  cp schemathesis.toml "$config"
  "${SEED_PY[@]}" seed "$role-$part" "$config" >/dev/null || fail "seeding for $role failed" "$WORK/server.log"
  if [ "$part" = fuzz ]; then
    args=(--phases "examples,coverage,fuzzing" --max-examples "$MAX_EXAMPLES")
  else
    args=(--phases stateful --max-examples "$MAX_EXAMPLES" --max-time "$STATEFUL_SECONDS")
  fi
  out="$WORK/$role-$part.txt"
  if [ -n "${SCHEMATHESIS_LOG_DIR:-}" ]; then
    mkdir -p "$SCHEMATHESIS_LOG_DIR"
    args+=(--report har --report-har-path "$SCHEMATHESIS_LOG_DIR/$role-$part.har")
  fi
  set +e
  (cd "$WORK" && "$ST" --config-file "$config" run "$ROOT/openapi.yaml" \
    --url "$BASE_URL" -H "Authorization: Bearer $token" \
    --seed "$SEED" --workers "$WORKERS" --generation-database none \
    --no-color "${args[@]}") >"$out" 2>&1
  code=$?
  set -e
  [ -z "${SCHEMATHESIS_LOG_DIR:-}" ] || cp "$out" "$SCHEMATHESIS_LOG_DIR/"
  IFS=$'\t' read -r ops examples failures line < <("$PY" "$ROOT/scripts/schemathesis_summary.py" "$out" operations examples failures line)
  echo "schemathesis $role ($part): $line"
  if [ "$code" -ne 0 ] || [ "$failures" -ne 0 ]; then
    status=1
    [ "$failures" -ne 0 ] || failures=1
    # Everything from the first FAILURES or ERRORS section on, or the tail.
    if grep -qE '^=+ (FAILURES|ERRORS) =+$' "$out"; then
      awk '/^=+ (FAILURES|ERRORS) =+$/ { show = 1 } show' "$out" | head -n 400
    else
      tail -n 60 "$out"
    fi
  fi
  if [ "$ops" -gt "$role_ops" ]; then role_ops=$ops; fi
  role_examples=$((role_examples + examples))
  role_failures=$((role_failures + failures))
}

for role in $ROLES; do
  var="TOKEN_${role//-/_}"
  token=${!var:-}
  [ -n "$token" ] || fail "unknown role $role"
  role_started=$SECONDS
  role_ops=0
  role_examples=0
  role_failures=0
  run_part "$role" fuzz "$token"
  run_part "$role" stateful "$token"
  echo "schemathesis $role: $role_ops operations, $role_examples examples, $role_failures failures ($((SECONDS - role_started)) s)"
  if [ "$role_ops" -gt "$total_operations" ]; then total_operations=$role_ops; fi
  total_examples=$((total_examples + role_examples))
  total_failures=$((total_failures + role_failures))
done

# 5. What schemathesis's generators do not reach (scripts/schemathesis_targeted.py): bodies of
# every other media type (415), forged paging cursors (400), query parameters that an
# operation does not take (400) and text after a JSON body (400), as anna on fresh seeds; it
# runs whole in both modes.
seeded=$("${SEED_PY[@]}" seed targeted "$WORK/targeted.toml") || fail "seeding for the targeted tests failed" "$WORK/server.log"
IFS=$'\t' read -r t_customer t_access t_transaction < <(env PYTHONDONTWRITEBYTECODE=1 "$PY" "$ROOT/scripts/schemathesis_seed.py" - first "$seeded")
set +e
"$PY" scripts/schemathesis_targeted.py "$BASE_URL" openapi.yaml "$TOKEN_administrator" \
  "$t_customer" "$t_access" "$t_transaction"
[ $? -eq 0 ] || status=1
set -e

if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  status=1
  echo "local-server exited during the runs" >&2
  tail -n 40 "$WORK/server.log" >&2
fi
echo "schemathesis: $total_operations operations, $total_examples examples, $total_failures failures ($MODE: $MAX_EXAMPLES examples per operation, $STATEFUL_SECONDS s stateful per role)"
exit "$status"
