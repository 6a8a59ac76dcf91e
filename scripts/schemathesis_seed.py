"""Signs in and seeds data through the local server's API.

Used by scripts/test-schemathesis.sh:
  schemathesis_seed.py BASE_URL wait
  schemathesis_seed.py BASE_URL tokens OUT         shell assignments TOKEN_<ROLE>=...
  schemathesis_seed.py BASE_URL seed RUN OUT_TOML  anna's customers, accesses and transactions,
                                                   appended to OUT_TOML as schemathesis
                                                   dictionaries; prints them as JSON
                                                   {"customers", "accesses", "transactions"}
  schemathesis_seed.py - first JSON                the first id of each, tab-separated
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


# The seeded directory, as the local server starts with it.
DIRECTORY = {
    "anna": {"name": "Anna Albers", "email": "anna@kanzlei.example.com"},
    "ben": {"name": "Ben Brandt", "email": "ben@kanzlei.example.com"},
    "root": {"name": "Rita Root", "email": "root@kanzlei.example.com"},
}


def seed(run):
    # A platform admin's run may have handed a specialist's customers over and deleted it
    # from the directory (DELETE /specialists/{id}): every seeding puts the directory back.
    root = login("root")
    for specialist, entry in DIRECTORY.items():
        call("PUT", f"/specialists/{specialist}", entry, root)
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
    if command == "first":
        seeded = json.loads(sys.argv[3])
        print("\t".join(seeded[kind][0] for kind in ("customers", "accesses", "transactions")))
        return
    if command == "seed":
        customers, accesses, transactions = seed(sys.argv[3])
        print(json.dumps({"customers": customers, "accesses": accesses, "transactions": transactions}))
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
