"""Targeted property tests that schemathesis's generators do not reach, run by
scripts/test-schemathesis.sh after the schemathesis runs, against the same local server.

schemathesis always sends the media type that openapi.yaml declares and never invents a
paging cursor with a valid shape, so two rules of the contract need their own generators:

  1. every operation with a JSON body answers 415 (problem+json, naming the type) to a body
     sent as anything but `application/json`, and never touches data;
  2. `GET /customers` answers 400 (never 5xx) to any cursor the server did not sign: random
     text, well-formed `payload.tag` pairs with tags of every length, and real cursors with
     one changed character.

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


def changed_real_cursors_are_refused():
    cursor = real_cursor()
    if not cursor:
        FAILURES.append("no second page to take a real cursor from (seed more customers)")
        return
    rng = random.Random(20260101)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for _ in range(200):
        i = rng.randrange(len(cursor))
        if cursor[i] == ".":
            continue
        changed = cursor[:i] + rng.choice(alphabet.replace(cursor[i], "")) + cursor[i + 1:]
        expect_400(changed)
    expect_400(cursor + "A")
    expect_400(cursor.split(".")[0] + "." + cursor.split(".")[1][:2])


def main():
    check_media_types()
    random_text_is_no_cursor()
    well_formed_pairs_with_tags_of_every_length_are_refused()
    changed_real_cursors_are_refused()
    for failure in FAILURES[:40]:
        print("targeted:", failure)
    print(f"targeted: {REQUESTS} requests, {len(FAILURES)} failures")
    sys.exit(1 if FAILURES else 0)


main()
