#!/usr/bin/env bash
# Runs the whole test suite from a fresh clone or a working copy:
#   1. Debian packages the tests need  (installed only when missing: apt-get as root, else sudo -n)
#   2. swift build --build-tests       (debug; the only debug build)
#   3. swift test --skip-build         (Swift Testing + XCTest)
#   4. scripts/package.sh              (release layout, tested by Tests/Integration/test_package.py)
#   5. pytest -q Tests/Integration     (Python, against the binary built in step 2)
# Exits non-zero if any step fails; prints a summary at the end. A fresh machine needs only the
# Swift toolchain, Python and the -dev libraries the package links; step 1 installs the rest.
#
# Switches for local iteration:
#   SKIP_SYSTEM_PACKAGES=1  skip step 1, for machines whose packages you manage yourself
#   SKIP_SWIFT_TESTS=1      build only the portcullis product, skip step 3
#   SKIP_PACKAGE=1          skip step 4; test_package.py then skips its release layout tests
#   SKIP_INTEGRATION=1      skip step 5 (and step 4, which only step 5 uses)
#   SKIP_BUILD=1            reuse what .build already holds: no step 2, and step 4 packages the
#                           release binary already built (scripts/package.sh --skip-build)
#   PORTCULLIS_PACKAGE_DIR=DIR  skip step 4 and test the tree package.sh already laid out in DIR
#   PYTEST_ARGS="..."       extra pytest arguments, e.g. PYTEST_ARGS="-k reload -x"
#   PYTHON=python3.11       interpreter used to create .venv
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT=$(pwd)

SKIP_SYSTEM_PACKAGES=${SKIP_SYSTEM_PACKAGES:-0}
SKIP_SWIFT_TESTS=${SKIP_SWIFT_TESTS:-0}
SKIP_PACKAGE=${SKIP_PACKAGE:-0}
SKIP_INTEGRATION=${SKIP_INTEGRATION:-0}
SKIP_BUILD=${SKIP_BUILD:-0}
PYTHON=${PYTHON:-python3}
VENV="$REPO_ROOT/.venv"
REQUIREMENTS="$REPO_ROOT/Tests/Integration/requirements.txt"
LOG_DIR="$REPO_ROOT/.build/test-logs"
PACKAGE_OUT="$REPO_ROOT/.build/package/rootfs"
mkdir -p "$LOG_DIR"

# Debian packages the tests need beyond the Swift toolchain, Python and the -dev libraries the
# package links. One entry per package, with the reason it is needed. Add new test dependencies here.
SYSTEM_PACKAGES=(
  sqlite3          # inspecting the embedded database in tests
  ca-certificates  # TLS trust store for pip
  python3-venv     # `python3 -m venv` for Tests/Integration when python3 is Debian's
  nginx            # forward-auth tests through auth_request (test_forward_auth_nginx.py)
  # Browser tests of the hosted login pages (test_browser_*.py) and docs/screenshots; the
  # driver comes from the same Debian build as the browser, so their versions always match.
  chromium         # headless browser for the hosted login pages
  chromium-driver  # /usr/bin/chromedriver, used by selenium instead of a downloaded driver
  # xmlsec1          # verifying SAML signatures with an independent implementation
)

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

# Installs the SYSTEM_PACKAGES that are missing; silent when none is. Returns non-zero, with a
# message saying what to run, when they are missing and cannot be installed. Leaves the missing
# ones in missing_packages and a summary detail in packages_detail.
ensure_system_packages() {
  missing_packages=()
  packages_detail="all ${#SYSTEM_PACKAGES[@]} present"
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "error: no dpkg-query: this is not a Debian-based system, so the test dependencies cannot" \
      "be checked. Install the equivalents of: ${SYSTEM_PACKAGES[*]}, then rerun with" \
      "SKIP_SYSTEM_PACKAGES=1." >&2
    packages_detail="no dpkg-query: not a Debian-based system"
    return 1
  fi
  local package
  for package in "${SYSTEM_PACKAGES[@]}"; do
    # Only ask apt when something is missing: keeps reruns fast and quiet.
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
      missing_packages+=("$package")
    fi
  done
  ((${#missing_packages[@]} > 0)) || return 0
  packages_detail="missing ${missing_packages[*]}"

  local -a as_root
  if [[ $(id -u) -eq 0 ]]; then
    as_root=(env DEBIAN_FRONTEND=noninteractive)
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    # sudo resets the environment: pass DEBIAN_FRONTEND through env.
    as_root=(sudo -n env DEBIAN_FRONTEND=noninteractive)
  else
    local why="sudo is not installed" how="As root, run:" sudo=""
    if command -v sudo >/dev/null 2>&1; then why="sudo needs a password" how="Run:" sudo="sudo "; fi
    {
      echo "error: the tests need Debian packages that are not installed: ${missing_packages[*]}"
      echo "scripts/test.sh cannot install them: it is not running as root and $why. $how"
      echo "  ${sudo}apt-get update && ${sudo}apt-get install -y --no-install-recommends ${missing_packages[*]}"
      echo "then rerun scripts/test.sh (or set SKIP_SYSTEM_PACKAGES=1 if you manage packages yourself)."
    } >&2
    return 1
  fi

  section "installing Debian packages: ${missing_packages[*]}"
  local log="$LOG_DIR/system-packages.log"
  if "${as_root[@]}" apt-get update -qq </dev/null >"$log" 2>&1 \
    && "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing_packages[@]}" \
      </dev/null >>"$log" 2>&1; then
    echo "installed ${missing_packages[*]}"
    packages_detail="installed ${missing_packages[*]}"
  else
    tail -n 20 "$log" >&2
    echo "error: installing ${missing_packages[*]} with apt-get failed (full log:" \
      ".build/test-logs/system-packages.log)" >&2
    packages_detail="apt-get failed to install ${missing_packages[*]}"
    return 1
  fi
}

# --- 1. system packages --------------------------------------------------------------------
if [[ $SKIP_SYSTEM_PACKAGES == 1 ]]; then
  record "system packages" skipped 0 "SKIP_SYSTEM_PACKAGES=1"
else
  started=$SECONDS
  if ensure_system_packages; then
    record "system packages" ok $((SECONDS - started)) "$packages_detail"
  else
    record "system packages" FAILED $((SECONDS - started)) "$packages_detail"
    # The tests cannot run without them.
    print_summary
    exit 1
  fi
fi

# --- 2. build ------------------------------------------------------------------------------
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

# --- 3. Swift tests ------------------------------------------------------------------------
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

# --- 4. release layout ----------------------------------------------------------------------
# The packaged layout (what the Dockerfile ships), built once so the integration tests can start it
# from a clean directory (Tests/Integration/test_package.py, which skips its layout tests without
# PORTCULLIS_PACKAGE_DIR). A failed package build fails the run.
if [[ $SKIP_INTEGRATION == 1 ]]; then
  record "package" skipped 0 "SKIP_INTEGRATION=1 (only the integration tests use it)"
elif [[ $SKIP_PACKAGE == 1 ]]; then
  record "package" skipped 0 "SKIP_PACKAGE=1 (test_package.py skips the layout tests)"
elif [[ -n ${PORTCULLIS_PACKAGE_DIR:-} ]]; then
  record "package" skipped 0 "PORTCULLIS_PACKAGE_DIR=$PORTCULLIS_PACKAGE_DIR given"
else
  package_cmd=(bash scripts/package.sh --out "$PACKAGE_OUT")
  # SKIP_BUILD=1 compiles nothing: package the release binary a previous run built.
  if [[ $SKIP_BUILD == 1 ]]; then package_cmd+=(--skip-build); fi
  section "${package_cmd[*]}"
  started=$SECONDS
  if run_logged package "${package_cmd[@]}" </dev/null; then
    export PORTCULLIS_PACKAGE_DIR="$PACKAGE_OUT"
    # package.sh's closing line, e.g. "package: binary 31M, needs Debian packages: libc6 ...".
    detail=$(grep -E '^package: binary ' "$LOG_DIR/package.log" | tail -n 1 | sed -E 's/^package: //' || true)
    record "package" ok $((SECONDS - started)) "$detail"
  else
    # PORTCULLIS_PACKAGE_DIR stays unset: a tree left by an earlier run is not tested as this one.
    record "package" FAILED $((SECONDS - started)) "see .build/test-logs/package.log"
  fi
fi

# --- 5. integration tests ------------------------------------------------------------------
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
