"""Targeted property tests that schemathesis's generators do not reach, run by
scripts/test-schemathesis.sh after the schemathesis runs, against the same local server.

schemathesis always sends the media type and the query parameters that openapi.yaml declares,
a body that is one JSON value, and never a paging cursor with a valid shape, so four rules of
the contract need their own generators:

  1. every operation with a JSON body answers 415 (problem+json, naming the type) to a body
     sent as anything but `application/json`, and never touches data;
  2. `GET /customers` answers 400 (never 5xx) to any cursor the server did not issue: random
     text, the `payload.tag` pairs of earlier versions with tags of every length, random
     base64url of a sealed cursor's length, and real cursors with one changed character;
  3. every operation answers 400 (problem+json naming it in `errors[0].field`) to a query
     parameter it does not take (`POST /imports?dryrun=true` among them), before it does
     anything;
  4. every operation with a JSON body answers 400 to its example body followed by text.

usage: schemathesis_targeted.py BASE_URL OPENAPI_YAML TOKEN CUSTOMER_ID ACCESS_ID TRANSACTION_ID
Prints `targeted: N requests, F failures` and exits non-zero on any failure.
"""
import base64
import json
import random
import sys
import urllib.error
import urllib.request

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BASE, SPEC, TOKEN, CUSTOMER, ACCESS, TRANSACTION = sys.argv[1:7]
REQUESTS = 0
FAILURES = []


def send(method, path, body=b"", content_type=None):
    global REQUESTS
    REQUESTS += 1
    req = urllib.request.Request(BASE + path, data=body or None, method=method)
    req.add_header("authorization", "Bearer " + TOKEN)
    if content_type is not None:
        req.add_header("content-type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, res.headers.get("content-type", ""), res.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("content-type", ""), err.read()


def fill(path):
    return (path.replace("{id}", CUSTOMER).replace("{accessId}", ACCESS)
            .replace("{transactionId}", TRANSACTION))


def operations_with_bodies():
    spec = yaml.safe_load(open(SPEC, encoding="utf-8"))
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and "requestBody" in op:
                yield method.upper(), path


WRONG_TYPES = [None, "text/plain", "application/x-www-form-urlencoded",
               "multipart/form-data; boundary=x", "application/jsonx", "text/json",
               "application/xml"]


def check_media_types():
    body = json.dumps({"title": "T", "token": "x" * 43}).encode()
    for method, path in operations_with_bodies():
        for content_type in WRONG_TYPES:
            status, media, raw = send(method, fill(path), body, content_type)
            if status != 415 or media != "application/problem+json":
                FAILURES.append(f"{method} {path} as {content_type!r}: {status} {raw[:200]!r}")


def parameters_taken(op, item):
    return {p.get("name") for p in op.get("parameters", []) + item.get("parameters", [])
            if isinstance(p, dict) and p.get("in") == "query"}


def operations():
    spec = yaml.safe_load(open(SPEC, encoding="utf-8"))
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield method.upper(), path, op, parameters_taken(op, item)


def expect_unknown_parameter(method, path, name):
    from urllib.parse import quote
    status, media, raw = send(method, fill(path) + "?" + quote(name, safe="") + "=true",
                              b"{}", "application/json")
    try:
        named = json.loads(raw).get("errors", [{}])[0].get("field") == name
    except (ValueError, AttributeError, IndexError):
        named = False
    if status != 400 or media != "application/problem+json" or not named:
        FAILURES.append(f"{method} {path}?{name}=true: {status} {raw[:200]!r}")


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]),
               min_size=1, max_size=16))
def unknown_parameters_are_refused(name):
    for method, path, _, taken in operations():
        if name not in taken:
            expect_unknown_parameter(method, path, name)


def check_unknown_parameters():
    for method, path, _, taken in operations():
        for name in ("dryrun", "DryRun", "Limit", "page", "customer_id", "x"):
            if name not in taken:
                expect_unknown_parameter(method, path, name)
    unknown_parameters_are_refused()


def example_body(op):
    media = op.get("requestBody", {}).get("content", {}).get("application/json")
    if media is None:
        return None
    for example in (media.get("examples") or {}).values():
        if "value" in example:
            return example["value"]
    return media.get("example", {})


def check_text_after_json():
    for method, path, op, _ in operations():
        body = example_body(op)
        if body is None:
            continue
        for junk in (" xyz", "}", "{}", "\n,", " null", "\u00a0"):
            raw_body = json.dumps(body).encode() + junk.encode()
            status, media, raw = send(method, fill(path), raw_body, "application/json")
            if status != 400 or media != "application/problem+json" \
                    or b"after the JSON value" not in raw:
                FAILURES.append(f"{method} {path} + {junk!r}: {status} {raw[:200]!r}")


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def real_cursor():
    status, _, raw = send("GET", "/customers?limit=1")
    if status != 200:
        FAILURES.append(f"GET /customers?limit=1: {status}")
        return None
    return json.loads(raw).get("nextCursor")


def expect_400(cursor):
    from urllib.parse import quote
    status, media, raw = send("GET", "/customers?limit=1&cursor=" + quote(cursor, safe=""))
    if status != 400 or media != "application/problem+json":
        FAILURES.append(f"cursor {cursor!r}: {status} {raw[:200]!r}")


PROFILE = settings(max_examples=300, deadline=None, derandomize=True,
                   suppress_health_check=list(HealthCheck))


@PROFILE
@given(st.text(min_size=1, max_size=80))
def random_text_is_no_cursor(cursor):
    expect_400(cursor)


@PROFILE
@given(st.dictionaries(st.sampled_from(["pk", "sk", "gsi1pk", "gsi1sk", "q", "type"]),
                       st.text(max_size=20), max_size=6),
       st.binary(min_size=0, max_size=40))
def well_formed_pairs_with_tags_of_every_length_are_refused(payload, tag):
    expect_400(b64(json.dumps(payload).encode()) + "." + b64(tag))


@PROFILE
@given(st.binary(min_size=0, max_size=200))
def random_sealed_looking_cursors_are_refused(data):
    # A 24-byte nonce, the sealed last key and a 16-byte tag, base64url: any bytes of that
    # shape that the server did not seal.
    if data:
        expect_400(b64(data))


def changed_real_cursors_are_refused():
    cursor = real_cursor()
    if not cursor:
        FAILURES.append("no second page to take a real cursor from (seed more customers)")
        return
    rng = random.Random(20260101)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for _ in range(200):
        i = rng.randrange(len(cursor) - 1)
        changed = cursor[:i] + rng.choice(alphabet.replace(cursor[i], "")) + cursor[i + 1:]
        expect_400(changed)
    expect_400(cursor + "AA")
    expect_400(cursor[:-2])
    expect_400(cursor[:40])


def main():
    check_media_types()
    random_text_is_no_cursor()
    well_formed_pairs_with_tags_of_every_length_are_refused()
    random_sealed_looking_cursors_are_refused()
    changed_real_cursors_are_refused()
    check_unknown_parameters()
    check_text_after_json()
    for failure in FAILURES[:40]:
        print("targeted:", failure)
    print(f"targeted: {REQUESTS} requests, {len(FAILURES)} failures")
    sys.exit(1 if FAILURES else 0)


main()
