#!/usr/bin/env bash
# Publishes the web console (web/) to a deployed stack, after `sam deploy`: reads the stack's
# outputs, writes a config.json for them (sign-in through the Cognito hosted domains, code flow
# with PKCE: `auth` for staff at the staff pool, `endUserAuth` for end users at the end-user
# pool), uploads web/ with explicit content types to the ConsoleBucketName bucket, removes
# files no longer in web/, and invalidates the ConsoleDistributionId distribution.
#
#   scripts/deploy-console.sh [--region R] [--profile P] [--config FILE] STACK
#   scripts/deploy-console.sh --print-config OUTPUTS.json   # offline: print the config.json only
#
# --config FILE uploads FILE as config.json instead of generating one (e.g. another identity
# provider for staff than the stack's Cognito domain). OUTPUTS.json is what
# `sam list stack-outputs --output json` prints ([{"OutputKey": ..., "OutputValue": ...}]) or
# what `aws cloudformation describe-stacks` prints.
#
# Needs the SAM CLI (.venv/bin/sam, scripts/setup-venv.sh) to read the outputs and the AWS CLI
# for `s3 cp`/`s3 sync` and `cloudfront create-invalidation`. Credentials and region come from
# the usual AWS environment (AWS_PROFILE, AWS_REGION, ...) or --profile/--region.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
    echo "usage: $0 [--region R] [--profile P] [--config FILE] STACK" >&2
    echo "       $0 --print-config OUTPUTS.json" >&2
    exit 2
}

python=python3
if [[ -x "$root/.venv/bin/python" ]]; then
    python="$root/.venv/bin/python"
fi

# Prints the config.json for the stack outputs in file $1 (warnings on stderr).
print_config() {
    "$python" - "$1" <<'PY'
import json
import sys

with open(sys.argv[1], encoding="utf-8") as f:
    doc = json.load(f)
if isinstance(doc, dict) and "Stacks" in doc:
    doc = doc["Stacks"][0].get("Outputs", [])
elif isinstance(doc, dict) and "Outputs" in doc:
    doc = doc["Outputs"]
outputs = {o["OutputKey"]: o["OutputValue"] for o in doc}


def need(key, hint=""):
    value = outputs.get(key, "").strip()
    if not value:
        sys.exit(f"deploy-console: the stack has no {key} output{hint}")
    return value.rstrip("/")


no_domain = " (deploy with CognitoDomainPrefix set, or write config.json yourself and pass --config FILE)"
api = need("ApiUrl")
console = need("ConsoleUrl", " (deploy the current template.yaml first)")
staff_issuer = need("StaffIssuer", " (deploy the current template.yaml first)")
staff_client = need("StaffConsoleClientId")
staff_domain = need("StaffHostedDomain", no_domain)
end_user_issuer = need("EndUserIssuer")
end_user_client = need("EndUserPortalClientId")
end_user_domain = need("EndUserHostedDomain", no_domain)
# The app clients' callback URLs are {PortalBaseUrl}/ (staff console) and
# {PortalBaseUrl}/me.html (end users); sign-in can only return there.
portal = outputs.get("PortalBaseUrl", "").strip().rstrip("/") or console
if portal != console:
    print(
        f"deploy-console: warning: PortalBaseUrl is {portal}, not this distribution's {console}.\n"
        f"  Sign-in returns to {portal}/ and invitation links point there; that is right only if\n"
        f"  {portal} is this distribution (ConsoleDomainName). Otherwise deploy again with\n"
        f"  --parameter-overrides PortalBaseUrl={console} (and AllowedOrigin empty or {console}).",
        file=sys.stderr,
    )



def oidc(issuer, client, domain, redirect):
    return {
        "mode": "oidc",
        "issuer": issuer,
        "clientId": client,
        "authorizeUrl": f"{domain}/oauth2/authorize",
        "tokenUrl": f"{domain}/oauth2/token",
        "logoutUrl": f"{domain}/logout",
        "redirectUri": redirect,
        "scope": "openid email profile",
    }


config = {
    "apiBaseUrl": api,
    # Staff (the console): tokens of the staff pool, which only StaffJwt routes accept.
    "auth": oidc(staff_issuer, staff_client, staff_domain, f"{portal}/"),
    # End users (me.html): tokens of the end-user pool, which only /me and /me/transactions accept.
    "endUserAuth": oidc(end_user_issuer, end_user_client, end_user_domain, f"{portal}/me.html"),
}
json.dump(config, sys.stdout, indent=2)
sys.stdout.write("\n")
PY
}

# Content types as the local server sends them (local-server/src/web.rs).
content_type() {
    case "$1" in
        *.html) echo "text/html; charset=utf-8" ;;
        *.js | *.mjs) echo "text/javascript; charset=utf-8" ;;
        *.css) echo "text/css; charset=utf-8" ;;
        *.json) echo "application/json" ;;
        *.svg) echo "image/svg+xml" ;;
        *.png) echo "image/png" ;;
        *.ico) echo "image/x-icon" ;;
        *.woff2) echo "font/woff2" ;;
        *.txt) echo "text/plain; charset=utf-8" ;;
        *) echo "application/octet-stream" ;;
    esac
}

stack=""
config_file=""
print_only=""
aws_opts=()
while (($#)); do
    case "$1" in
        --print-config)
            [[ $# -ge 2 ]] || usage
            print_only="$2"
            shift 2
            ;;
        --config)
            [[ $# -ge 2 ]] || usage
            config_file="$2"
            shift 2
            ;;
        --region | --profile)
            [[ $# -ge 2 ]] || usage
            aws_opts+=("$1" "$2")
            shift 2
            ;;
        -h | --help) usage ;;
        -*) usage ;;
        *)
            [[ -z "$stack" ]] || usage
            stack="$1"
            shift
            ;;
    esac
done

if [[ -n "$print_only" ]]; then
    print_config "$print_only"
    exit 0
fi
[[ -n "$stack" ]] || usage

sam="$root/.venv/bin/sam"
if [[ ! -x "$sam" ]]; then
    sam="$(command -v sam || true)"
fi
if [[ -z "$sam" ]]; then
    echo "deploy-console: SAM CLI missing; run scripts/setup-venv.sh first" >&2
    exit 1
fi
if ! command -v aws >/dev/null; then
    cat >&2 <<'EOF'
deploy-console: the AWS CLI (aws) is missing. Install either
  AWS CLI v2: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html
  or v1 into the venv: .venv/bin/pip install awscli   (then: export PATH="$PWD/.venv/bin:$PATH")
awscli is not in requirements-dev.txt: each release pins one botocore version, which would
have to move in lockstep with aws-sam-cli's boto3 pin.
EOF
    exit 1
fi
if [[ -n "$config_file" && ! -f "$config_file" ]]; then
    echo "deploy-console: no such file: $config_file" >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

export SAM_CLI_TELEMETRY=0
"$sam" list stack-outputs --stack-name "$stack" --output json "${aws_opts[@]}" >"$work/outputs.json"
output() {
    "$python" - "$work/outputs.json" "$1" <<'PY'
import json
import sys

outputs = {o["OutputKey"]: o["OutputValue"] for o in json.load(open(sys.argv[1], encoding="utf-8"))}
value = outputs.get(sys.argv[2], "")
if not value:
    sys.exit(f"deploy-console: the stack has no {sys.argv[2]} output (deploy the current template.yaml first)")
print(value)
PY
}
bucket="$(output ConsoleBucketName)"
distribution="$(output ConsoleDistributionId)"
console_url="$(output ConsoleUrl)"

# Stage web/ (no hidden files) with the deploy-time config.json in place of the local one.
stage="$work/web"
mkdir -p "$stage"
(cd "$root/web" && find . -type f ! -path '*/.*' -print0) | while IFS= read -r -d '' f; do
    mkdir -p "$stage/$(dirname "$f")"
    cp "$root/web/$f" "$stage/$f"
done
if [[ -n "$config_file" ]]; then
    "$python" -m json.tool "$config_file" >/dev/null
    cp "$config_file" "$stage/config.json"
else
    print_config "$work/outputs.json" >"$stage/config.json"
fi

# Assets first, then config.json, then the pages, so that a page never references a file the
# bucket does not have yet. No Cache-Control on the objects: the distribution sets it.
upload() {
    local key="${1#./}"
    aws "${aws_opts[@]}" s3 cp --only-show-errors --content-type "$(content_type "$key")" \
        "$stage/$key" "s3://$bucket/$key"
}
mapfile -d '' files < <(cd "$stage" && find . -type f -print0 | sort -z)
for f in "${files[@]}"; do
    case "$f" in *.html | ./config.json) ;; *) upload "$f" ;; esac
done
upload ./config.json
for f in "${files[@]}"; do
    case "$f" in *.html) upload "$f" ;; esac
done
# Everything is uploaded already (same sizes), so this only deletes what web/ no longer has.
aws "${aws_opts[@]}" s3 sync --only-show-errors --delete --size-only "$stage/" "s3://$bucket/"

invalidation="$(aws "${aws_opts[@]}" cloudfront create-invalidation --distribution-id "$distribution" \
    --paths '/*' --query Invalidation.Id --output text)"
echo "deploy-console: uploaded ${#files[@]} files to s3://$bucket; invalidation $invalidation on $distribution"
echo "deploy-console: console at $console_url/"
