#!/usr/bin/env bash
# Checks template.yaml offline: cfn-lint, `sam validate --lint`, the SMS country rules, and
# cfn-lint once more on the SAM-translated template (cfn-lint skips the IAM roles SAM
# generates, so an invalid action in a function's inline policy would otherwise pass).
#   scripts/check-template.sh           # lint only
#   scripts/check-template.sh --build   # also `sam build` (cargo lambda, cross-compiles to arm64)
#   scripts/check-template.sh --build-only   # `sam build` without the lint
# Needs the venv (scripts/setup-venv.sh). Quiet on success, except for the build's summary.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

build=false
lint=true
for arg in "$@"; do
    case "$arg" in
        --build) build=true ;;
        --build-only)
            build=true
            lint=false
            ;;
        *)
            echo "usage: $0 [--build | --build-only]" >&2
            exit 2
            ;;
    esac
done

if [[ ! -x .venv/bin/sam ]]; then
    echo "check-template: .venv missing; run scripts/setup-venv.sh first" >&2
    exit 1
fi

# cargo-lambda and zig (the ziglang wheel) live in the venv; `cargo lambda` must find them.
export PATH="$root/.venv/bin:$PATH"
export SAM_CLI_TELEMETRY=0
export AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-eu-central-1}"
export AWS_REGION="${AWS_REGION:-$AWS_DEFAULT_REGION}"

log="$(mktemp)"
translated="$(mktemp --suffix=.json)"
trap 'rm -f "$log" "$translated"' EXIT

run() {
    if ! "$@" >"$log" 2>&1; then
        cat "$log" >&2
        echo "check-template: failed: $*" >&2
        exit 1
    fi
}

if "$lint"; then
    run cfn-lint template.yaml
    run sam validate --lint --template-file template.yaml
    # The SMS protect configuration blocks every ISO 3166-1 country (249 codes) except the default
    # SmsCountries, and exists only while SmsCountries is that default.
    run python - template.yaml <<'PY'
import sys

from samtranslator.yaml_helper import yaml_parse

with open(sys.argv[1], encoding="utf-8") as f:
    template = yaml_parse(f.read())
allowed = template["Parameters"]["SmsCountries"]["Default"]
condition = template["Conditions"]["ProtectDefaultSmsCountries"]
if condition != {"Fn::Equals": [{"Ref": "SmsCountries"}, allowed]}:
    sys.exit(f"ProtectDefaultSmsCountries must compare SmsCountries with {allowed!r}: {condition}")
protect = template["Resources"]["SmsProtectConfiguration"]
rules = protect["Properties"]["CountryRuleSet"]["SMS"]
blocked = [rule["CountryCode"] for rule in rules if rule["ProtectStatus"] == "BLOCK"]
if len(blocked) != len(rules) or len(set(blocked)) != len(blocked):
    sys.exit("SmsProtectConfiguration: every rule is a BLOCK of a distinct country")
if not all(isinstance(code, str) and len(code) == 2 and code.isupper() for code in blocked):
    sys.exit(f"SmsProtectConfiguration: not a country code among {blocked}")
both = set(allowed.split(",")) & set(blocked)
if both or len(blocked) + len(allowed.split(",")) != 249:
    sys.exit(f"SmsProtectConfiguration blocks {len(blocked)} countries (allowed ones: {both}); want 249 minus {allowed}")
PY
    # The translator needs S3 code locations; the parameter defaults are resolved into the CORS
    # block, so W2001 (unused parameter) is expected there.
    run python - template.yaml "$translated" <<'PY'
import json
import sys

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies:
    def load(self):
        return {}


with open(sys.argv[1], encoding="utf-8") as f:
    template = yaml_parse(f.read())
for resource in template.get("Resources", {}).values():
    if resource.get("Type") == "AWS::Serverless::Function":
        resource["Properties"]["CodeUri"] = "s3://bucket/code.zip"
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(transform(template, {}, NoManagedPolicies()), f)
PY
    run cfn-lint --ignore-checks W2001 -- "$translated"
fi
if "$build"; then
    if ! compgen -G "functions/*/Cargo.toml" >/dev/null; then
        echo "check-template: no functions/*/Cargo.toml yet; nothing to build" >&2
        exit 1
    fi
    # cargo lambda cross-compiles for arm64 (Architectures in template.yaml).
    if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx aarch64-unknown-linux-gnu; then
        run rustup target add aarch64-unknown-linux-gnu
    fi
    start=$SECONDS
    rm -rf .aws-sam/build
    run sam build --beta-features --template-file template.yaml
    # Each function of the template must have become an arm64 Lambda bootstrap.
    run python - template.yaml .aws-sam/build <<'PY'
import pathlib
import sys

from samtranslator.yaml_helper import yaml_parse

template = yaml_parse(pathlib.Path(sys.argv[1]).read_text(encoding="utf-8"))
build = pathlib.Path(sys.argv[2])
functions = [
    name
    for name, resource in template["Resources"].items()
    if resource.get("Type") == "AWS::Serverless::Function"
]
if not functions:
    sys.exit("no AWS::Serverless::Function in the template")
for name in functions:
    bootstrap = build / name / "bootstrap"
    if not bootstrap.is_file():
        sys.exit(f"{name}: {bootstrap} missing")
    with bootstrap.open("rb") as f:
        header = f.read(20)
    # ELF, 64-bit, little-endian, e_machine 0xB7 (AArch64).
    if header[:4] != b"\x7fELF" or header[4] != 2 or header[5] != 1 or header[18:20] != b"\xb7\x00":
        sys.exit(f"{name}: {bootstrap} is not an arm64 ELF executable")
    print(f"{name}: {bootstrap.stat().st_size / 1e6:.1f} MB")
PY
    sed 's/^/  /' "$log"
    echo "check-template: sam build ok in $((SECONDS - start)) s: $(wc -l <"$log") arm64 bootstraps in .aws-sam/build"
fi
