"""Reads one schemathesis run's output and prints what scripts/test-schemathesis.sh needs, as
JSON on one line: {"operations", "examples", "failures", "line"} (failures counts unique
failures and errors; line is the run's closing banner).

usage: schemathesis_summary.py OUTPUT_FILE [FIELD...]   (with fields: their values, one line,
                                                          separated by tabs, for `read`)
"""

import json
import re
import sys


def summarise(text: str) -> dict:
    tested = re.search(r"^\s*Tested: (\d+)", text, re.M)
    generated = re.search(r"^\s*(\d+) generated", text, re.M)
    unique = re.search(r"found (\d+) unique failure", text)
    last = text.splitlines()[-1] if text.strip() else ""
    errors = re.search(r"(\d+) errors?\b", last)
    banner = [line for line in text.splitlines() if re.match(r"^=+ .* =+$", line)]
    return {
        "operations": int(tested.group(1)) if tested else 0,
        "examples": int(generated.group(1)) if generated else 0,
        "failures": (int(unique.group(1)) if unique else 0) + (int(errors.group(1)) if errors else 0),
        "line": banner[-1].strip("= ") if banner else "no summary",
    }


def main() -> None:
    with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
        result = summarise(f.read())
    fields = sys.argv[2:]
    if fields:
        print("\t".join(str(result[field]) for field in fields))
    else:
        print(json.dumps(result))


main()
