#!/usr/bin/env python3
"""Writes the Kotlin or Swift code blocks of docs/INTEGRATING.md to one source file, so that
the test command compiles the samples app teams copy against the generated bindings.

    scripts/doc-samples/extract.py kotlin|swift <output file>

A sample that no longer compiles fails the build, instead of misleading the next team.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs/INTEGRATING.md"

# SwiftUI is not on Linux: the one type the sample uses, as SwiftUI declares it.
SWIFTUI_STAND_IN = """#if canImport(SwiftUI)
import SwiftUI
#else
enum ScenePhase { case active, inactive, background }
#endif"""


def blocks(lang):
    return re.findall(rf"^```{lang}\n(.*?)^```$", DOC.read_text(), flags=re.M | re.S)


def main(lang, out):
    found = blocks(lang)
    if not found:
        sys.exit(f"no {lang} samples in {DOC}")
    imports, bodies = [], []
    for block in found:
        for line in block.splitlines():
            (imports if line.startswith("import ") else bodies).append(line)
    imports = sorted(set(imports))
    if lang == "swift" and "import SwiftUI" in imports:
        imports[imports.index("import SwiftUI")] = SWIFTUI_STAND_IN
    header = f"// Extracted from docs/INTEGRATING.md by {Path(__file__).name}: edit the doc, not this.\n"
    Path(out).write_text(header + "\n".join(imports) + "\n\n" + "\n".join(bodies) + "\n")
    print(f"   {len(found)} {lang} sample(s) from docs/INTEGRATING.md")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
