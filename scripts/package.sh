#!/usr/bin/env bash
# Builds the release binary and lays out exactly the files the container image (Dockerfile) and a
# binary install (deploy/systemd) ship, as a root file system tree:
#
#   OUT/opt/portcullis/bin/portcullis                 release binary, Swift runtime linked statically
#   OUT/opt/portcullis/Templates/                     hosted login page templates and assets
#   OUT/opt/portcullis/examples/config/               the example configuration (development values)
#   OUT/opt/portcullis/examples/secrets.example.yaml  its PUBLIC development secrets
#   OUT/opt/portcullis/share/debian-packages.txt      Debian packages providing the shared libraries
#                                                     the binary still needs (libc, libsqlite3, …)
#   OUT/opt/portcullis/share/VERSION                  `portcullis version`
#
# Usage: scripts/package.sh [--out DIR] [--scratch-path DIR] [--skip-build]
#   --out DIR           where to lay out the tree (default .build/package/rootfs); replaced if present
#   --scratch-path DIR  SwiftPM build directory (default .build)
#   --skip-build        reuse the release binary already in the scratch path
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT=$(pwd)

OUT="$REPO_ROOT/.build/package/rootfs"
SCRATCH="$REPO_ROOT/.build"
SKIP_BUILD=0
while (($# > 0)); do
  case $1 in
    --out) OUT=$2; shift 2 ;;
    --scratch-path) SCRATCH=$2; shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    *) echo "usage: $0 [--out DIR] [--scratch-path DIR] [--skip-build]" >&2; exit 64 ;;
  esac
done

# The Swift runtime is linked statically so the image needs no toolchain libraries; what remains
# dynamic are system libraries that Debian packages provide.
build=(swift build -c release --product portcullis --static-swift-stdlib --scratch-path "$SCRATCH")
if [[ $SKIP_BUILD != 1 ]]; then
  echo "package: ${build[*]}"
  started=$SECONDS
  "${build[@]}"
  echo "package: release build took $((SECONDS - started))s"
fi
bin_dir=$("${build[@]}" --show-bin-path | tail -n 1)
binary="$bin_dir/portcullis"
[[ -x $binary ]] || { echo "package: no release binary at $binary" >&2; exit 1; }

rm -rf "$OUT"
prefix="$OUT/opt/portcullis"
install -d "$prefix/bin" "$prefix/share" "$prefix/examples"
# Stripped: the symbols are in the scratch path's copy; the image does not need them.
install -m 0755 "$binary" "$prefix/bin/portcullis"
strip --strip-unneeded "$prefix/bin/portcullis"
cp -R Templates "$prefix/Templates"
cp -R config "$prefix/examples/config"
install -m 0644 secrets.example.yaml "$prefix/examples/secrets.example.yaml"
"$prefix/bin/portcullis" version >"$prefix/share/VERSION"

# Every shared library the binary loads must come from a Debian package, never from the toolchain.
ldd_output=$(ldd "$prefix/bin/portcullis")
if grep -q 'not found' <<<"$ldd_output"; then
  echo "package: unresolved shared libraries:" >&2
  grep 'not found' <<<"$ldd_output" >&2
  exit 1
fi
libraries=$(awk '/=> \// { print $3 }' <<<"$ldd_output")
packages=()
for library in $libraries; do
  # dpkg knows the path it installed, which may be the /lib alias of /usr/lib (merged /usr).
  owner=$({ dpkg -S "$library" || dpkg -S "$(readlink -f "$library")" || dpkg -S "${library#/usr}"; } \
    2>/dev/null | head -n 1 || true)
  if [[ -z $owner ]]; then
    echo "package: $library belongs to no Debian package; the image could not provide it" >&2
    exit 1
  fi
  packages+=("${owner%%:*}")
done
printf '%s\n' "${packages[@]}" | sort -u >"$prefix/share/debian-packages.txt"

echo "package: laid out in $OUT"
echo "package: binary $(du -h "$prefix/bin/portcullis" | cut -f1), needs Debian packages:" \
  "$(paste -sd ' ' "$prefix/share/debian-packages.txt")"
