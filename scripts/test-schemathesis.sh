#!/usr/bin/env bash
# Property-based API tests: schemathesis (PyPI, pinned in requirements-dev.txt) against
# openapi.yaml on the local server, once per kind of caller.
#
# Starts the local server on a free port with a temporary outbox and signs in
#   specialist      ben: a specialist who is not administrator of the seeded customers
#                   (reads everything, gets 403 on changes, sees only his assigned transaction)
#   administrator   anna: administrator of every customer she creates, the seeded ones included
#   platform-admin  root: groups specialists and admins (break-glass, the specialist directory)
#   end-user        an end user registered through the outbox link and SMS code
# Before each invocation, anna seeds fresh customers, accesses and business transactions (ben
# is additional processor of one transaction, root a second administrator of one customer);
# schemathesis draws path ids and ids in bodies from them half of the time (dictionaries), so
# reads, edits and deletions reach real objects.
#
# Each role is tested in two invocations with a fixed seed and one worker (with two workers,
# runs here ended in internal errors: "AST constructor recursion depth mismatch" from CPython
# 3.11's ast.parse under hypothesis, and hypothesis's "Inconsistent results"):
#   1. the examples, coverage and fuzzing phases, up to SCHEMATHESIS_MAX_EXAMPLES (100)
#      fuzzed examples per operation (fewer only where fewer distinct requests exist, as for
#      GET /me), bounded by count;
#   2. the stateful phase (scenarios along the links of openapi.yaml), bounded by time:
#      SCHEMATHESIS_STATEFUL_SECONDS (default 30) per role, repeated suites until it is spent.
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
# never less), SCHEMATHESIS_STATEFUL_SECONDS (default 30), SCHEMATHESIS_WORKERS (default 1),
# SCHEMATHESIS_ROLES (default: all four, space-separated), SCHEMATHESIS_LOG_DIR (keep each
# run's full output and a HAR file of its requests there).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SEED=${SCHEMATHESIS_SEED:-20260101}
MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-100}
STATEFUL_SECONDS=${SCHEMATHESIS_STATEFUL_SECONDS:-30}
WORKERS=${SCHEMATHESIS_WORKERS:-1}
ROLES=${SCHEMATHESIS_ROLES:-end-user specialist administrator platform-admin}
ST="$ROOT/.venv/bin/schemathesis"
PY="$ROOT/.venv/bin/python"
NAME=test-schemathesis
# shellcheck source=scripts/local-server-harness.sh
. "$ROOT/scripts/local-server-harness.sh"

[ "$MAX_EXAMPLES" -ge 100 ] || fail "SCHEMATHESIS_MAX_EXAMPLES must be at least 100"

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

# 3. Sign-ins and seed data, through the API itself (stdlib Python from the venv).
cat >"$WORK/seed.py" <<'PYTHON'
"""Signs in and seeds data through the local server's API.

usage: seed.py BASE_URL wait
       seed.py BASE_URL tokens OUT        shell assignments TOKEN_<ROLE>=...
       seed.py BASE_URL seed RUN OUT_TOML  anna's customers, accesses and transactions as
                                           schemathesis dictionaries (TOML)
"""
import json
import re
import sys
import time
import urllib.error
import urllib.request

BASE = sys.argv[1]
PASSWORD = "Sommerwiese-2026!"


def call(method, path, body=None, token=None, expect=(200, 201, 202, 204)):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            status, raw = res.status, res.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    if status not in expect:
        sys.exit(f"seed: {method} {path} answered {status}: {raw[:400]!r}")
    return json.loads(raw) if raw else None


def login(specialist):
    return call("POST", "/dev/login", {"specialistId": specialist})["token"]


def end_user(anna):
    """A customer with a mobile, registered from the outbox's link and SMS code."""
    email = f"endnutzer.{int(time.time() * 1000)}@example.com"
    customer = call("POST", "/customers", {
        "type": "person", "firstName": "Erika", "lastName": "Endnutzer",
        "email": email, "mobile": "0170 1234567"}, anna)
    call("POST", f"/customers/{customer['id']}/transactions", {"title": "Steuererklärung 2025"}, anna)
    items = call("GET", "/dev/outbox")["items"]
    mail = next(m for m in reversed(items) if m["channel"] == "email" and m["to"] == email)
    token = re.search(r"/register#token=([A-Za-z0-9_-]+)", mail["body"]).group(1)
    sms = next(m for m in reversed(items) if m["channel"] == "sms")
    code = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", sms["body"]).group(1)
    call("POST", "/registrations/complete", {"token": token, "smsCode": code, "password": PASSWORD})
    return call("POST", "/dev/login", {"email": email, "password": PASSWORD})["token"]


def seed(run):
    anna = login("anna")
    customers, accesses, transactions = [], [], []
    for i, body in enumerate([
        {"type": "person", "salutation": "ms", "firstName": "Maria", "lastName": "Muster",
         "dateOfBirth": "1980-01-31", "mobile": "0171 7654321", "language": "de",
         "address": {"street": "Hauptstr. 1", "postalCode": "10115", "city": "Berlin", "country": "DE"}},
        {"type": "person", "firstName": "Otto", "lastName": "Öztürk", "language": "en"},
        {"type": "company", "companyName": "Muster GmbH", "legalForm": "GmbH", "vatId": "DE123456789",
         "contactFirstName": "Max", "contactLastName": "Muster"},
        {"type": "person", "firstName": "Zoë", "lastName": "Zander", "mobile": "+4915112345678"},
    ]):
        body["email"] = f"seed.{run}.{i}.{int(time.time() * 1000)}@example.com"
        created = call("POST", "/customers", body, anna)
        customers.append(created["id"])
        accesses.extend(a["id"] for a in created["accesses"])
        for title in ("Jahresabschluss 2025", "Einkommensteuer 2025"):
            t = call("POST", f"/customers/{created['id']}/transactions", {"title": title}, anna)
            transactions.append(t["id"])
    extra = call("POST", f"/customers/{customers[0]}/accesses", {
        "firstName": "Max", "lastName": "Muster",
        "email": f"seed.{run}.extra.{int(time.time() * 1000)}@example.com"}, anna)
    accesses.append(extra["id"])
    # ben may process the first transaction; root is a second administrator of the second customer.
    call("POST", f"/customers/{customers[0]}/additional-processors",
         {"specialistIds": ["ben"], "transactionIds": [transactions[0]]}, anna)
    call("POST", f"/customers/{customers[1]}/administrators", {"specialistIds": ["root"]}, anna)
    return customers, accesses, transactions


def toml_list(values):
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def main():
    command = sys.argv[2]
    if command == "wait":
        for _ in range(150):
            try:
                with urllib.request.urlopen(BASE + "/config.json", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        sys.exit("seed: the local server did not answer within 30 s")
    if command == "tokens":
        anna = login("anna")
        with open(sys.argv[3], "w") as out:
            out.write(f"TOKEN_specialist={login('ben')}\n")
            out.write(f"TOKEN_administrator={anna}\n")
            out.write(f"TOKEN_platform_admin={login('root')}\n")
            out.write(f"TOKEN_end_user={end_user(anna)}\n")
        return
    if command == "seed":
        customers, accesses, transactions = seed(sys.argv[3])
        with open(sys.argv[4], "a") as out:
            out.write("\n# Seeded by scripts/test-schemathesis.sh for this run.\n")
            out.write(f"[dictionaries.customers]\nvalues = {toml_list(customers)}\n")
            out.write(f"[dictionaries.accesses]\nvalues = {toml_list(accesses)}\n")
            out.write(f"[dictionaries.transactions]\nvalues = {toml_list(transactions)}\n")
            out.write(f"[dictionaries.specialists]\nvalues = {toml_list(['anna', 'ben', 'root'])}\n")
            out.write("\n[[operations]]\ninclude-path-regex = '^/customers/'\n")
            out.write("[operations.parameters]\n")
            for key, dictionary in [
                ("path.id", "customers"),
                ("path.accessId", "accesses"),
                ("path.transactionId", "transactions"),
                ("body.specialistIds[*]", "specialists"),
                ("body.administratorIds[*]", "specialists"),
                ("body.transactionIds[*]", "transactions"),
                ("body.accessIds[*]", "accesses"),
                ("body.additionalProcessors[*].specialistId", "specialists"),
                ("body.additionalProcessors[*].transactionId", "transactions"),
            ]:
                out.write(f'"{key}" = {{ dictionary = "{dictionary}", probability = 0.5 }}\n')
        return
    sys.exit(f"seed: unknown command {command}")


main()
PYTHON

"$PY" "$WORK/seed.py" "$BASE_URL" wait || fail "local-server did not start" "$WORK/server.log"
"$PY" "$WORK/seed.py" "$BASE_URL" tokens "$WORK/tokens.env" || fail "signing in failed" "$WORK/server.log"
# shellcheck disable=SC1091
. "$WORK/tokens.env"

# 4. The runs. schemathesis works in $WORK: its `.schemathesis/` cache stays out of the clone.
total_operations=0
total_examples=0
total_failures=0
status=0

# Reads one output file: "<operations> <examples> <failures+errors> <summary line>".
summarise() {
  "$PY" - "$1" <<'PYTHON'
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
tested = re.search(r"^\s*Tested: (\d+)", text, re.M)
generated = re.search(r"^\s*(\d+) generated", text, re.M)
unique = re.search(r"found (\d+) unique failure", text)
errors = re.search(r"(\d+) errors?\b", text.splitlines()[-1] if text.strip() else "")
banner = [l for l in text.splitlines() if re.match(r"^=+ .* =+$", l)]
print(tested.group(1) if tested else 0,
      generated.group(1) if generated else 0,
      (int(unique.group(1)) if unique else 0) + (int(errors.group(1)) if errors else 0),
      banner[-1].strip("= ") if banner else "no summary")
PYTHON
}

for role in $ROLES; do
  var="TOKEN_${role//-/_}"
  token=${!var:-}
  [ -n "$token" ] || fail "unknown role $role"
  role_started=$SECONDS
  role_ops=0
  role_examples=0
  role_failures=0
  for part in fuzz stateful; do
    # Fresh seeds for every invocation: the previous one may have deleted them.
    config="$WORK/schemathesis-$role-$part.toml"
    cp schemathesis.toml "$config"
    "$PY" "$WORK/seed.py" "$BASE_URL" seed "$role-$part" "$config" || fail "seeding for $role failed" "$WORK/server.log"
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
    read -r ops examples failures line < <(summarise "$out")
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
  done
  echo "schemathesis $role: $role_ops operations, $role_examples examples, $role_failures failures ($((SECONDS - role_started)) s)"
  if [ "$role_ops" -gt "$total_operations" ]; then total_operations=$role_ops; fi
  total_examples=$((total_examples + role_examples))
  total_failures=$((total_failures + role_failures))
done

# 5. What schemathesis's generators do not reach (scripts/schemathesis_targeted.py): bodies of
# every other media type (415), forged paging cursors (400), query parameters that an
# operation does not take (400) and text after a JSON body (400), as anna on fresh seeds.
targeted_config="$WORK/targeted.toml"
: >"$targeted_config"
"$PY" "$WORK/seed.py" "$BASE_URL" seed targeted "$targeted_config" || fail "seeding for the targeted tests failed" "$WORK/server.log"
read -r t_customer t_access t_transaction < <("$PY" - "$targeted_config" <<'PYTHON'
import re, sys
text = open(sys.argv[1]).read()
first = lambda name: re.search(r"\[dictionaries\." + name + r"\]\nvalues = \[\"([^\"]+)\"", text).group(1)
print(first("customers"), first("accesses"), first("transactions"))
PYTHON
)
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
echo "schemathesis: $total_operations operations, $total_examples examples, $total_failures failures"
exit "$status"
