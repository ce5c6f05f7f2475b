#!/usr/bin/env python3
"""The public Kotlin and Swift API of the generated bindings, as a checked-in snapshot.

    scripts/api_snapshot.py check  <generated dir>   # fails, with a diff, if the API changed
    scripts/api_snapshot.py update <generated dir>   # rewrites bindings/api/*.api

App teams build against the generated code, so a change to it is a change to Harbour's API,
whatever the Rust diff looks like. The snapshot keeps only what an app can name — types,
their public members, enum cases, function signatures — one declaration per line, comments
and bodies dropped, so that uniffi's internals (converters, checksums, FFI symbols) can change
without noise and any real change shows up as a reviewable diff.
"""

import difflib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = {
    "kotlin": (Path("org/harbour/core/harbour.kt"), ROOT / "bindings/api/harbour.kt.api"),
    "swift": (Path("HarbourCore.swift"), ROOT / "bindings/api/HarbourCore.swift.api"),
}

# Generated plumbing an app never names.
INTERNAL = re.compile(
    r"FfiConverter|[Uu]niffi|RustBuffer|RustCallStatus|ForeignBytes|ByReference|"
    r"\bPointer\b|\bStructure\b|_lift\b|_lower\b|IntegerType|UniFfi|ffi_|Handle\b"
)


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    # Line comments, but not "//" inside a string (URLs in string literals).
    return "\n".join(re.sub(r'^((?:[^"/]|"[^"]*"|/(?!/))*)//.*$', r"\1", line) for line in text.split("\n"))


def statements(text):
    """(brace depth at start, statement) pairs; a statement spans lines until its parentheses
    close, so a multi-line parameter list or record becomes one line."""
    depth = 0
    pending, pending_depth, parens = [], 0, 0
    for raw in strip_comments(text).split("\n"):
        line = raw.strip()
        if not line:
            continue
        if not pending:
            pending_depth = depth
        pending.append(line)
        parens += line.count("(") - line.count(")")
        depth += line.count("{") - line.count("}")
        if parens <= 0:
            yield pending_depth, " ".join(pending)
            pending, parens = [], 0


def without_value(stmt):
    """Drops a value or an expression body (` = ...` outside any parentheses); a parameter's
    default value, inside them, is part of the API and stays."""
    depth, quoted = 0, False
    for i, c in enumerate(stmt):
        if c == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif c in "([<":
            depth += 1
        elif c in ")]>" and depth > 0:
            depth -= 1
        elif c == "=" and depth == 0 and stmt[i - 1 : i] == " " and stmt[i + 1 : i + 2] == " ":
            return stmt[:i].rstrip()
    return stmt


# The contract id (crate version and interface hash) is the default of `open`'s `contract`
# argument; it changes with every build of a changed interface, which the rest of the
# snapshot already shows.
CONTRACT_DEFAULT = re.compile(r'(contract: (?:kotlin\.)?String) = "[^"]*"')


def normalise(stmt):
    stmt = stmt.replace("`", "")
    stmt = re.sub(r"@\w+(\([^)]*\))?\s*", "", stmt)  # annotations
    stmt = re.sub(r"\s*\{.*$", "", stmt)  # a body, or the rest of a one-line body
    stmt = CONTRACT_DEFAULT.sub(r'\1 = "<this build>"', stmt)
    stmt = without_value(stmt)
    stmt = re.sub(r"\s+", " ", stmt).strip()
    stmt = re.sub(r"\( ", "(", stmt)
    stmt = re.sub(r",?\s*\)", ")", stmt)
    stmt = re.sub(r" ,", ",", stmt)
    return stmt.rstrip(",; ")


KOTLIN_TYPE = re.compile(r"^(?:public |open |data |sealed |enum |abstract |annotation |companion )*(class|interface|object)\b")
KOTLIN_MEMBER = re.compile(r"^(?:public |open |override |suspend |abstract |operator )*(fun|val|var|constructor)\b")
KOTLIN_HIDDEN = re.compile(r"^(?:internal|private|protected)\b|\b(?:internal|private|protected) (?:fun|val|var|class|object|constructor)\b")

SWIFT_TYPE = re.compile(r"^(?:public |open |final |indirect )*(struct|enum|class|protocol|extension)\b")
SWIFT_MEMBER = re.compile(
    r"^(?:public |open |static |override |convenience |required |final |mutating |nonisolated )*"
    r"(func|var|let|init|case|subscript)\b"
)


def api(text, lang):
    """The public declarations of one generated file, one per line."""
    out = []
    # Each open type body: (its brace depth, kind, whether it is public API).
    stack = []
    # A type whose "{" is on the next line: (depth, kind, shown) until that line comes.
    awaiting = None
    for depth, stmt in statements(text):
        if awaiting and stmt == "{" and depth == awaiting[0]:
            stack.append((depth + 1, awaiting[1], awaiting[2]))
            awaiting = None
            continue
        awaiting = None
        while stack and depth < stack[-1][0]:
            stack.pop()
        in_type = stack and depth == stack[-1][0]
        top = depth == 0
        s = normalise(stmt)
        if not s or INTERNAL.search(s):
            if stmt.rstrip().endswith("{") and (top or in_type):
                stack.append((depth + 1, "hidden", False))
            continue
        parent_shown = top or bool(in_type and stack[-1][2])
        indent = "  " * len([x for x in stack if x[2]])
        if lang == "kotlin":
            hidden = bool(KOTLIN_HIDDEN.search(s))
            m = KOTLIN_TYPE.match(s)
            kind = m and ("enum" if " enum class " in f" {s} " else m.group(1))
            shown = not hidden and parent_shown
            enum_entry = in_type and stack[-1][1] == "enum" and re.match(r"^[A-Z][A-Z0-9_]*(\(.*\))?$", s)
            member = (bool(KOTLIN_MEMBER.match(s)) and not hidden) or bool(enum_entry)
        else:
            public = s.startswith(("public ", "open "))
            m = SWIFT_TYPE.match(s)
            kind = m and m.group(1)
            # Extensions are public API when they add conformances or public members.
            shown = (public or kind == "extension") and parent_shown
            mm = SWIFT_MEMBER.match(s)
            parent = stack[-1][1] if in_type else None
            member = bool(mm) and (
                public or parent == "protocol" or (parent == "enum" and mm.group(1) == "case")
            )
            if top:
                member = bool(mm) and public
        if m and (top or in_type):
            if shown:
                out.append(indent + s)
            if "{" in stmt:
                stack.append((depth + 1, kind, shown))
            else:
                awaiting = (depth, kind, shown)
        elif member and (top or (in_type and stack[-1][2])):
            out.append(indent + s)
    # An empty `companion object` (uniffi gives every type one) says nothing.
    indent = lambda line: len(line) - len(line.lstrip())
    out = [
        line for i, line in enumerate(out)
        if not (line.strip() == "companion object"
                and (i + 1 == len(out) or indent(out[i + 1]) <= indent(line)))
    ]
    return "\n".join(out) + "\n"


HEADER = (
    "# The public API of the generated bindings. Made by scripts/api_snapshot.py from the\n"
    "# test build, so it also lists testingTriggerPanic, which release builds lack. Never edit\n"
    "# by hand: a change here is a change app teams see (note it in CHANGELOG.md).\n"
)


def main(argv):
    if len(argv) != 3 or argv[1] not in ("check", "update"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, generated = argv[1], Path(argv[2])
    changed = False
    for lang, (source, snapshot) in SNAPSHOTS.items():
        current = HEADER + api((generated / source).read_text(), lang)
        if mode == "update":
            snapshot.parent.mkdir(parents=True, exist_ok=True)
            snapshot.write_text(current)
            print(f"wrote {snapshot.relative_to(ROOT)} ({current.count(chr(10))} declarations)")
            continue
        recorded = snapshot.read_text() if snapshot.exists() else ""
        if current != recorded:
            changed = True
            sys.stdout.writelines(
                difflib.unified_diff(
                    recorded.splitlines(True), current.splitlines(True),
                    str(snapshot.relative_to(ROOT)), f"generated {lang}",
                )
            )
    if changed:
        print(
            "\nThe public Kotlin or Swift API changed. If that is meant, run\n"
            "  scripts/api_snapshot.py update <generated dir>\n"
            "commit the new bindings/api/*.api with the change, and note it in CHANGELOG.md.",
            file=sys.stderr,
        )
        return 1
    if mode == "check":
        print("public Kotlin and Swift API: as recorded in bindings/api")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
