#!/usr/bin/env bash
# Our Argon2id (PortcullisArgon2, release build) against the reference C implementation as
# argon2-cffi ships it, with the production parameters (m=19456 KiB, t=2, p=1, 32-byte tag), one
# thread each, alternating rounds in one run so both see the same machine. Prints each round's
# medians and their ratio, then the median of the ratios.
#
#   bench/run-argon2.sh            (SKIP_BUILD=1 reuses the last release build;
#                                   ROUNDS=9 HASHES=50 MEMORY_KIB=19456 ITERATIONS=2 PARALLELISM=1)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source bench/lib.sh

rounds=${ROUNDS:-9}
hashes=${HASHES:-50}
costs=("${MEMORY_KIB:-19456}" "${ITERATIONS:-2}" "${PARALLELISM:-1}")
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  swift build -c release --product portcullis-bench-hash
fi
ours="$(swift build -c release --show-bin-path | tail -n 1)/portcullis-bench-hash"
[[ -x $ours ]] || bench_die "no release build of portcullis-bench-hash at $ours"

# The same pinned argon2-cffi as the integration tests, in a venv of its own.
venv=bench/.venv-argon2
if ! "$venv/bin/python" -c 'import argon2' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "$(grep -E '^argon2-cffi==' Tests/Integration/requirements.txt)" \
    "$(grep -E '^argon2-cffi-bindings==' Tests/Integration/requirements.txt)" \
    "$(grep -E '^cffi==' Tests/Integration/requirements.txt)" \
    "$(grep -E '^pycparser==' Tests/Integration/requirements.txt)"
fi

echo "cpu: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cores)"
echo "costs: m=${costs[0]} KiB t=${costs[1]} p=${costs[2]}, $hashes hashes per side per round"
ratios=()
for ((round = 1; round <= rounds; round++)); do
  mine=$(bench_field "$("$ours" "$hashes" "${costs[@]}")" median_ms)
  theirs=$(bench_field "$("$venv/bin/python" bench/argon2-reference.py "$hashes" "${costs[@]}")" median_ms)
  ratio=$(python3 -c "print(f'{$mine / $theirs:.3f}')")
  ratios+=("$ratio")
  echo "round $round: ours ${mine} ms, reference ${theirs} ms, ratio $ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | sed -n "$(((rounds + 1) / 2))p")
echo "RESULT rounds=$rounds ratio_median=$median (ours / reference; below 1 is faster)"
