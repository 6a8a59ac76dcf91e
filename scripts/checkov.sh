#!/usr/bin/env bash
# Scans template.yaml with checkov (pinned in requirements-checkov.txt, own venv .venv-checkov/)
# and fails on any failed check. A check that does not apply is skipped on its resource in
# template.yaml (Metadata: checkov: skip:, with the reason); this prints each skip with it and
# fails on a skip without a reason.
# Offline: --skip-download keeps checkov from fetching policies or guidelines.
# Last line: `checkov: P passed, F failed, S skipped`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

scripts/setup-venv.sh .venv-checkov requirements-checkov.txt >/dev/null

report="$(mktemp --suffix=.json)"
trap 'rm -f "$report"' EXIT
# checkov exits 1 when a check fails; the report below says which.
status=0
.venv-checkov/bin/checkov --file template.yaml --framework cloudformation --skip-download \
    --output json >"$report" || status=$?

.venv-checkov/bin/python - "$report" "$status" <<'PY'
import json
import sys

path, status = sys.argv[1], int(sys.argv[2])
try:
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
except (OSError, ValueError) as err:
    sys.exit(f"checkov: no report ({err}); exit status {status}")
summary = report["summary"]
results = report["results"]
unexplained = 0
for check in results.get("skipped_checks", []):
    reason = check["check_result"].get("suppress_comment", "")
    if not reason or reason == "No comment provided":
        unexplained += 1
        reason = "NO REASON GIVEN (add a comment to the skip)"
    print(f"  skipped {check['check_id']} on {check['resource']}: {reason}")
for check in results.get("failed_checks", []):
    print(
        f"  FAILED {check['check_id']} on {check['resource']}: {check['check_name']}"
        f" ({check['file_path']}:{check['file_line_range'][0]})"
    )
if summary["parsing_errors"]:
    print(f"  {summary['parsing_errors']} parsing error(s)")
print(f"checkov: {summary['passed']} passed, {summary['failed']} failed, {summary['skipped']} skipped")
if summary["failed"] or summary["parsing_errors"] or unexplained or summary["passed"] == 0:
    sys.exit(1)
PY
