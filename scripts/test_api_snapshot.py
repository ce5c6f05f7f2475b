"""The API snapshot check catches a changed signature and ignores uniffi's plumbing.

Run by scripts/foreign-tests.sh with the generated bindings' directory in HARBOUR_GENERATED.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import api_snapshot  # noqa: E402

GENERATED = Path(os.environ["HARBOUR_GENERATED"])
KOTLIN = GENERATED / "org/harbour/core/harbour.kt"
SWIFT = GENERATED / "HarbourCore.swift"


class ApiSnapshot(unittest.TestCase):
    def check(self, generated):
        return subprocess.run(
            [sys.executable, str(HERE / "api_snapshot.py"), "check", str(generated)],
            capture_output=True, text=True,
        )

    def changed_copy(self, path, old, new):
        """A copy of the generated folder with one edit to one file."""
        tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, tmp)
        shutil.copytree(GENERATED, tmp / "g")
        target = tmp / "g" / path.relative_to(GENERATED)
        text = target.read_text()
        self.assertIn(old, text)
        target.write_text(text.replace(old, new, 1))
        return tmp / "g"

    def test_the_generated_code_matches_the_snapshot(self):
        result = self.check(GENERATED)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_a_changed_kotlin_signature_fails_with_a_diff(self):
        g = self.changed_copy(KOTLIN, "suspend fun `unlock`(`secret`: kotlin.ByteArray)",
                              "suspend fun `unlock`(`secret`: kotlin.String)")
        result = self.check(g)
        self.assertEqual(result.returncode, 1)
        self.assertIn("+  suspend fun unlock(secret: kotlin.String)", result.stdout)

    def test_a_changed_swift_record_field_fails(self):
        g = self.changed_copy(SWIFT, "public let createdAt: Date", "public var createdAt: Date")
        result = self.check(g)
        self.assertEqual(result.returncode, 1)
        self.assertIn("public var createdAt: Date", result.stdout)

    def test_comments_and_private_plumbing_are_not_api(self):
        text = KOTLIN.read_text()
        noisy = text.replace("/**", "/** an edited doc comment\n *", 1) + (
            "\nprivate fun someNewHelper(x: Int): Int = x\n"
            "internal object FfiConverterSomethingNew\n"
        )
        self.assertEqual(api_snapshot.api(noisy, "kotlin"), api_snapshot.api(text, "kotlin"))

    def test_a_new_public_call_is_api(self):
        text = SWIFT.read_text()
        added = text + "\npublic func somethingNew(x: Int32) -> Bool { true }\n"
        self.assertIn("public func somethingNew(x: Int32) -> Bool", api_snapshot.api(added, "swift"))

    def test_the_contract_id_is_not_api_but_other_defaults_are(self):
        text = KOTLIN.read_text()
        other_build = re.sub(r'(`contract`: kotlin\.String = )"[^"]*"', r'\1"9.9.9+abcdefabcdef"', text)
        self.assertNotEqual(other_build, text)
        self.assertEqual(api_snapshot.api(other_build, "kotlin"), api_snapshot.api(text, "kotlin"))
        flipped = text.replace("`forParents`: kotlin.Boolean = false", "`forParents`: kotlin.Boolean = true", 1)
        self.assertNotEqual(flipped, text)
        self.assertNotEqual(api_snapshot.api(flipped, "kotlin"), api_snapshot.api(text, "kotlin"))


if __name__ == "__main__":
    unittest.main()
