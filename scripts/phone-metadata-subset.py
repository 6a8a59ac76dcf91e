#!/usr/bin/env python3
"""Writes the numbering plans of some countries out of libphonenumber's metadata file.

    scripts/phone-metadata-subset.py PhoneNumberMetadata.xml DE AT CH > shared/data/phone-metadata-dach.xml

The input is the `assets/PhoneNumberMetadata.xml` of the `phonenumber` crate version in
Cargo.lock (libphonenumber's metadata, Apache-2.0). The output keeps the file's licence header
and the chosen `<territory>` elements unchanged, in the file's order, so that the crate's own
loader reads it (shared/src/domain/numbering_plans.rs).
"""
import re
import sys


def main() -> None:
    path, ids = sys.argv[1], set(sys.argv[2:])
    text = open(path, encoding="utf-8").read()
    header_end = text.index("<phoneNumberMetadata>")
    header = text[:header_end]
    territories = re.findall(r"    <territory id=\"(\w+)\".*?\n    </territory>\n", text, re.S)
    blocks = re.finditer(r"    <territory id=\"(\w+)\".*?\n    </territory>\n", text, re.S)
    chosen = [m.group(0) for m in blocks if m.group(1) in ids]
    found = {re.match(r"    <territory id=\"(\w+)\"", b).group(1) for b in chosen}
    if found != ids:
        sys.exit(f"not in {path}: {sorted(ids - found)} (of {len(territories)} territories)")
    sys.stdout.write(header)
    sys.stdout.write("<phoneNumberMetadata>\n  <territories>\n")
    sys.stdout.write("".join(chosen))
    sys.stdout.write("  </territories>\n</phoneNumberMetadata>\n")


if __name__ == "__main__":
    main()
