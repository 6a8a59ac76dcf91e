# Sourced by scripts/test.sh and scripts/release.sh: steps with their seconds, steps beside the
# Rust build, steps gated by a content hash of their inputs, and the closing table.
#
#   run_step NAME [--summary RE] CMD...
#                                  runs CMD in the foreground; its output goes to the log as it
#                                  comes; a failure prints the table and exits 1; the last line
#                                  lines of its output that match RE join the closing summary
#   start_step NAME [--summary RE] CMD...
#                                  runs CMD in the background, its output kept in a file
#   finish_step NAME               waits for it, then prints its output in full (so the log
#                                  shows each step's output whole and in order) and records it
#   inputs_hash FILE|DIR|=TEXT...  sha256 over the files' names and contents (directories:
#                                  every file below them that git tracks or would track), and
#                                  over literal texts (=...: a tool's version, say)
#   gate NAME HASH                 true when the gated step must run: no stamp of that hash in
#                                  the cache (always so on a fresh machine)
#   pass_gate NAME HASH            records that the step passed on these inputs
#   skip_step NAME WHY             records a gated step that did not run, and why
#   summary LINE                   adds a line to the closing summary
#
# Set before sourcing: STEPS_CACHE (where stamps live).

STEPS_STARTED=$SECONDS
STEPS_LOGS=$(mktemp -d)
STEP_NAMES=()
STEP_MODES=()
STEP_SECONDS=()
STEP_RESULTS=()
STEP_SUMMARIES=()
declare -A STEP_PIDS=()
declare -A STEP_BEGAN=()
declare -A STEP_EPOCH=()
declare -A STEP_MODE_OF=()
declare -A STEP_SUMMARY_RE=()
STEPS_LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)

# The mode a step is recorded with: "every run" unless a gate said otherwise.
step_mode() { echo "${STEP_MODE_OF[$1]:-every run}"; }

record_step() { # NAME SECONDS RESULT LOG
    STEP_NAMES+=("$1")
    STEP_MODES+=("$(step_mode "$1")")
    STEP_SECONDS+=("$2")
    STEP_RESULTS+=("$3")
    local re=${STEP_SUMMARY_RE[$1]:-} line
    if [[ -n "$re" && -f "$4" ]]; then
        while IFS= read -r line; do
            STEP_SUMMARIES+=("$line")
        done < <(grep -E "$re" "$4" || true)
    fi
}

# Reads NAME [--summary RE] and leaves the command in STEP_CMD.
parse_step() {
    STEP_NAME=$1
    shift
    if [[ "${1:-}" == --summary ]]; then
        STEP_SUMMARY_RE[$STEP_NAME]=$2
        shift 2
    fi
    STEP_CMD=("$@")
}

step_log() { echo "$STEPS_LOGS/$(echo "$1" | tr -c 'a-zA-Z0-9\n' '_').log"; }

print_table() {
    local i total=$((SECONDS - STEPS_STARTED))
    printf '\n== steps (seconds of wall time; a step run "beside" overlapped the steps after it)\n'
    printf '%-44s %-36s %8s  %s\n' step "runs" seconds result
    for i in "${!STEP_NAMES[@]}"; do
        printf '%-44s %-36s %8s  %s\n' "${STEP_NAMES[$i]}" "${STEP_MODES[$i]}" "${STEP_SECONDS[$i]}" "${STEP_RESULTS[$i]}"
    done
    printf '%-44s %-36s %8s\n' total "" "$total"
    printf 'load average: %s at the start, %s at the end; %s cores\n' \
        "$STEPS_LOAD_AT_START" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)"
}

print_summary() {
    [[ ${#STEP_SUMMARIES[@]} -gt 0 ]] || return 0
    printf '\n== summary\n'
    printf '%s\n' "${STEP_SUMMARIES[@]}"
}

# Ends the run (the EXIT trap, with the run's status): kills what still runs beside, prints the
# summary and the table.
steps_exit() {
    local status=${1:-$?} name
    for name in "${!STEP_PIDS[@]}"; do
        kill -- "-${STEP_PIDS[$name]}" 2>/dev/null || kill "${STEP_PIDS[$name]}" 2>/dev/null || true
    done
    print_summary
    print_table
    rm -rf "$STEPS_LOGS"
    if [[ $status -ne 0 ]]; then
        echo "FAILED (exit $status)" >&2
    fi
    return "$status"
}

run_step() {
    local name log began status
    parse_step "$@"
    name=$STEP_NAME
    log=$(step_log "$name")
    began=$SECONDS
    printf '\n== %s (at %d s)\n' "$name" "$((began - STEPS_STARTED))"
    set +e
    "${STEP_CMD[@]}" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    set -e
    if [[ $status -ne 0 ]]; then
        record_step "$name" "$((SECONDS - began))" "FAILED (exit $status)" "$log"
        echo "$name failed" >&2
        exit 1
    fi
    record_step "$name" "$((SECONDS - began))" ok "$log"
}

start_step() {
    local name log
    parse_step "$@"
    name=$STEP_NAME
    log=$(step_log "$name")
    printf '\n== %s: started beside the next steps (at %d s)\n' "$name" "$((SECONDS - STEPS_STARTED))"
    STEP_BEGAN[$name]=$SECONDS
    # Its own process group, so that a failing run can stop it with everything it started. It
    # notes when it ended: its seconds are its own, not the wait for its turn to be collected.
    set -m
    (
        set +e
        "${STEP_CMD[@]}" >"$log" 2>&1 </dev/null
        status=$?
        date +%s >"$log.ended"
        exit "$status"
    ) &
    STEP_PIDS[$name]=$!
    STEP_EPOCH[$name]=$(date +%s)
    set +m
}

finish_step() {
    local name=$1 log status pid=${STEP_PIDS[$1]}
    log=$(step_log "$name")
    set +e
    wait "$pid"
    status=$?
    set -e
    unset "STEP_PIDS[$name]"
    local took=$((SECONDS - STEP_BEGAN[$name]))
    if [[ -f "$log.ended" ]]; then
        took=$(($(cat "$log.ended") - STEP_EPOCH[$name]))
    fi
    printf '\n== %s (ran beside from %d s, for %d s)\n' "$name" "$((STEP_BEGAN[$name] - STEPS_STARTED))" "$took"
    cat "$log"
    STEP_MODE_OF[$name]="$(step_mode "$name"), beside"
    if [[ $status -ne 0 ]]; then
        record_step "$name" "$took" "FAILED (exit $status)" "$log"
        echo "$name failed" >&2
        exit 1
    fi
    record_step "$name" "$took" ok "$log"
}

inputs_hash() {
    local arg
    for arg in "$@"; do
        case "$arg" in
            =*) printf 'text %s\n' "${arg#=}" ;;
            *)
                if [[ -d "$arg" ]]; then
                    git ls-files --cached --others --exclude-standard -z -- "$arg" | sort -z |
                        xargs -0 -r sha256sum
                elif [[ -e "$arg" ]]; then
                    sha256sum "$arg"
                else
                    printf 'missing %s\n' "$arg"
                fi
                ;;
        esac
    done | sha256sum | cut -c1-16
}

gate() {
    local name=$1 hash=$2
    if [[ -f "$STEPS_CACHE/stamps/$name-$hash" ]]; then
        return 1
    fi
    STEP_MODE_OF[$name]="inputs changed ($hash)"
    return 0
}

pass_gate() {
    mkdir -p "$STEPS_CACHE/stamps"
    date -u +%FT%TZ >"$STEPS_CACHE/stamps/$1-$2"
}

skip_step() {
    STEP_MODE_OF[$1]="inputs unchanged ($3)"
    printf '\n== %s: skipped, %s\n' "$1" "$2"
    record_step "$1" 0 "skipped (passed on $(cat "$STEPS_CACHE/stamps/$1-$3"))" /dev/null
}

summary() { STEP_SUMMARIES+=("$*"); }
