#!/usr/bin/env python3
"""Checks the Android backup rules the Gradle module ships (android/src/main/res/xml): every
section of both files excludes Harbour's data directory, and it is the directory the docs tell
apps to use. A rule that misses one section lets Auto Backup or a phone-to-phone transfer copy
a vault to a phone without its keys.

    scripts/check_backup_rules.py     (run by scripts/test_release.sh)
"""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
XML = ROOT / "android/src/main/res/xml"
DATA_DIR = "harbour/"
# What INTEGRATING.md tells apps to pass as the data directory.
DOCUMENTED = 'File(context.filesDir, "harbour")'


def excludes(section):
    return {(e.get("domain"), e.get("path")) for e in section.findall("exclude")}


def problems():
    found = []
    full = ET.parse(XML / "harbour_backup_rules.xml").getroot()
    if full.tag != "full-backup-content":
        found.append(f"harbour_backup_rules.xml: root is {full.tag}")
    elif ("file", DATA_DIR) not in excludes(full):
        found.append("harbour_backup_rules.xml: the data directory is not excluded")
    rules = ET.parse(XML / "harbour_data_extraction_rules.xml").getroot()
    if rules.tag != "data-extraction-rules":
        found.append(f"harbour_data_extraction_rules.xml: root is {rules.tag}")
    for name in ("cloud-backup", "device-transfer"):
        section = rules.find(name)
        if section is None:
            found.append(f"harbour_data_extraction_rules.xml: no <{name}>")
        elif ("file", DATA_DIR) not in excludes(section):
            found.append(f"harbour_data_extraction_rules.xml: <{name}> does not exclude the data directory")
        elif section.findall("include"):
            found.append(f"harbour_data_extraction_rules.xml: <{name}> includes something")
    if DOCUMENTED not in (ROOT / "docs/INTEGRATING.md").read_text():
        found.append(f"docs/INTEGRATING.md does not name the data directory as {DOCUMENTED}")
    return found


if __name__ == "__main__":
    bad = problems()
    for p in bad:
        print(f"   {p}")
    sys.exit(1 if bad else 0)
