#!/bin/sh
# Rebuild color/FOGRA39L-pamphlet.icc, the default CMYK output-intent profile.
#
# For maintainers only: the pamphlet build never runs this, it uses the
# committed .icc. Needs Debian 12 (bookworm) packages:
#   apt-get install -y argyll argyll-ref icc-profiles-free
# Takes about two minutes. See README.md for what every option does.
#
# Usage: color/make_profile.sh [OUTPUT.icc]   (default: next to this script)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/FOGRA39L-pamphlet.icc"}

ti3=/usr/share/color/icc/FOGRA39L.ti3        # package icc-profiles-free
srgb=/usr/share/color/argyll/ref/sRGB.icm    # package argyll-ref
ti3_sha256=e44e6dfa81633588db98b5613a821d4a936d3d9438d2eb983083c3232df393fa

for f in "$ti3" "$srgb"; do
    [ -f "$f" ] || { echo "missing $f: apt-get install -y argyll argyll-ref icc-profiles-free" >&2; exit 1; }
done
command -v colprof >/dev/null || { echo "colprof not found: apt-get install -y argyll" >&2; exit 1; }
echo "$ti3_sha256  $ti3" | sha256sum -c --quiet - \
    || echo "warning: $ti3 differs from the one the committed profile was built from" >&2
colprof 2>&1 | head -n 1 | grep -q 'Version 2\.3\.1' \
    || echo "warning: not ArgyllCMS 2.3.1 (the committed profile was built with 2.3.1)" >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$ti3" "$work/FOGRA39L.ti3"     # colprof takes a base name and reads <base>.ti3

cd "$work"
colprof -v -qm -kp 0 .1 .9 1 .5 -l300 -nc \
    -S "$srgb" -cmt -dpp \
    -A "pamphlet" \
    -M "Made from FOGRA39L characterisation data with ArgyllCMS 2.3.1 colprof" \
    -D "FOGRA39L (pamphlet build)" \
    -C "Data: FOGRA39L.ti3 (c) Kai-Uwe Behrmann, measurements by Fogra; zlib licence. Profile made with ArgyllCMS for pamphlet; zlib licence, no warranty. See LICENSE.md." \
    -O "$work/out.icc" FOGRA39L > "$work/colprof.log" 2>&1 \
    || { cat "$work/colprof.log" >&2; exit 1; }

grep -E 'Total ink limit|Profile check complete' "$work/colprof.log"
cp "$work/out.icc" "$out"
echo "wrote $out ($(wc -c < "$out") bytes)"
