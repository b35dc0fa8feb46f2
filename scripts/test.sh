#!/usr/bin/env bash
# Runs the whole test suite from a fresh clone or a working copy:
#   1. swift build --build-tests      (debug; the only build step)
#   2. swift test --skip-build        (Swift Testing + XCTest)
#   3. pytest -q Tests/Integration    (Python, against the binary built in step 1)
# Exits non-zero if any step fails; prints a summary at the end.
#
# Switches for local iteration:
#   SKIP_SWIFT_TESTS=1   build only the portcullis product, skip step 2
#   SKIP_INTEGRATION=1   skip step 3
#   SKIP_BUILD=1         reuse what .build already holds (steps 2 and 3 then test that build)
#   PYTEST_ARGS="..."    extra pytest arguments, e.g. PYTEST_ARGS="-k reload -x"
#   PYTHON=python3.11    interpreter used to create .venv
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT=$(pwd)

SKIP_SWIFT_TESTS=${SKIP_SWIFT_TESTS:-0}
SKIP_INTEGRATION=${SKIP_INTEGRATION:-0}
SKIP_BUILD=${SKIP_BUILD:-0}
PYTHON=${PYTHON:-python3}
VENV="$REPO_ROOT/.venv"
REQUIREMENTS="$REPO_ROOT/Tests/Integration/requirements.txt"
LOG_DIR="$REPO_ROOT/.build/test-logs"
mkdir -p "$LOG_DIR"

# Step results, printed in order by the summary.
declare -a SUMMARY=()
FAILED=0

record() { # record NAME STATUS SECONDS [DETAIL]
  SUMMARY+=("$(printf '%-22s %-8s %5ss  %s' "$1" "$2" "$3" "${4:-}")")
  if [[ $2 == FAILED ]]; then FAILED=1; fi
}

print_summary() {
  echo
  echo "==================== test summary ===================="
  local line
  for line in "${SUMMARY[@]}"; do echo "$line"; done
  echo "======================================================"
  if [[ $FAILED -eq 0 ]]; then
    echo "RESULT: all steps passed"
  else
    echo "RESULT: FAILED"
  fi
}

section() { printf '\n=== %s ===\n' "$*"; }

# Runs a step with its output shown and kept in $LOG_DIR/NAME.log; returns the step's status.
run_logged() { # run_logged NAME CMD...
  local name=$1
  shift
  # pipefail makes the pipeline's status the command's, not tee's.
  "$@" 2>&1 | tee "$LOG_DIR/$name.log"
}

# --- 1. build ------------------------------------------------------------------------------
if [[ $SKIP_BUILD == 1 ]]; then
  record "swift build" skipped 0 "SKIP_BUILD=1"
else
  if [[ $SKIP_SWIFT_TESTS == 1 ]]; then
    build_cmd=(swift build --product portcullis)
  else
    build_cmd=(swift build --build-tests)
  fi
  section "${build_cmd[*]}"
  started=$SECONDS
  if run_logged build "${build_cmd[@]}"; then
    record "swift build" ok $((SECONDS - started))
  else
    record "swift build" FAILED $((SECONDS - started)) "see .build/test-logs/build.log"
    # Nothing else can run without a build.
    print_summary
    exit 1
  fi
fi

# --- 2. Swift tests ------------------------------------------------------------------------
if [[ $SKIP_SWIFT_TESTS == 1 ]]; then
  record "swift test" skipped 0 "SKIP_SWIFT_TESTS=1"
else
  section "swift test --skip-build"
  started=$SECONDS
  if run_logged swift-test swift test --skip-build; then
    status=ok
  else
    status=FAILED
  fi
  # Keep the runners' own closing lines for the summary: XCTest's last "Executed N tests" (the
  # "All tests" total) and Swift Testing's "Test run with N tests ...".
  xctest=$(grep -E 'Executed [0-9]+ tests?, with' "$LOG_DIR/swift-test.log" | tail -n 1 || true)
  swift_testing=$(grep -E 'Test run with [0-9]+ tests?' "$LOG_DIR/swift-test.log" | tail -n 1 || true)
  detail=$(printf '%s\n%s\n' "$xctest" "$swift_testing" | sed -E 's/^[^A-Za-z]*//' | grep -v '^$' \
    | paste -sd ';' - || true)
  record "swift test" "$status" $((SECONDS - started)) "$detail"
fi

# --- 3. integration tests ------------------------------------------------------------------
if [[ $SKIP_INTEGRATION == 1 ]]; then
  record "integration (pytest)" skipped 0 "SKIP_INTEGRATION=1"
else
  section "integration tests (pytest)"
  started=$SECONDS
  status=ok
  detail=""

  # Ask SwiftPM where the build went instead of assuming .build/debug (the triple dir varies).
  bin_dir=$(swift build --show-bin-path | tail -n 1) || bin_dir=""
  portcullis_bin="$bin_dir/portcullis"
  if [[ ! -x $portcullis_bin ]]; then
    echo "error: $portcullis_bin does not exist; the build step did not produce it" >&2
    status=FAILED
    detail="no binary at $portcullis_bin"
  fi

  # A venv whose interpreter no longer runs (Python upgraded or removed) is rebuilt from scratch.
  if [[ -e $VENV ]] && ! "$VENV/bin/python" -c '' 2>/dev/null; then
    echo "Removing broken .venv"
    rm -rf "$VENV"
  fi
  # Reuse .venv while requirements.txt is unchanged; the stamp holds the hash it was built from.
  stamp="$VENV/.requirements.sha256"
  want=$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)
  if [[ $status == ok && $(cat "$stamp" 2>/dev/null) != "$want" ]]; then
    echo "Preparing Python environment in .venv"
    if [[ ! -x $VENV/bin/python ]] && ! "$PYTHON" -m venv "$VENV"; then
      status=FAILED
      detail="$PYTHON -m venv .venv failed"
    elif "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"; then
      echo "$want" >"$stamp"
    else
      status=FAILED
      detail="pip install -r Tests/Integration/requirements.txt failed"
    fi
  fi

  if [[ $status == ok ]]; then
    export PORTCULLIS_BIN="$portcullis_bin"
    # PYTEST_ARGS is split on spaces on purpose: it carries several options.
    # shellcheck disable=SC2086
    if run_logged pytest \
      "$VENV/bin/python" -m pytest -q Tests/Integration ${PYTEST_ARGS:-}; then
      status=ok
    else
      status=FAILED
    fi
    # pytest's closing line, e.g. "42 passed in 31.02s" or "1 failed, 41 passed in 30.5s".
    detail=$(grep -E '^=*\s*[0-9]+ (passed|failed|error|errors|skipped|deselected)' "$LOG_DIR/pytest.log" \
      | tail -n 1 | sed -E 's/^=+ *//; s/ *=+$//' || true)
    # Exit 5 means no test was collected: a broken suite, not a pass.
    [[ -n $detail ]] || detail="no pytest summary line (see .build/test-logs/pytest.log)"
  fi
  record "integration (pytest)" "$status" $((SECONDS - started)) "$detail"
fi

print_summary
exit "$FAILED"
