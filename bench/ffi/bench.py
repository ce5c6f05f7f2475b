"""harbour-bench's Python caller: the cost of crossing the FFI from CPython (ctypes, as the
generated Python uses). Prints one line of JSON; run by scripts/bench.sh."""

import asyncio
import datetime
import json
import sys
import tempfile
import time

import harbour

FILLER = "walk breathe music sea friend tea quiet window "


def note_text(i):
    """The same 1,000-character notes as harbour-bench's Rust and Kotlin callers."""
    return (f"Note {i}. " + FILLER * 25)[:1000]


class PassThroughKeyStore(harbour.PlatformKeyStore):
    """No wrapping at all: the benchmark measures the FFI, not a key store."""

    def __init__(self):
        self.aliases = set()

    def wrap(self, alias, plaintext):
        self.aliases.add(alias)
        return bytes(plaintext)

    def unwrap(self, alias, wrapped):
        if alias not in self.aliases:
            raise harbour.PlatformKeyError.NotFound()
        return bytes(wrapped)

    def delete(self, alias):
        self.aliases.discard(alias)


async def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    with tempfile.TemporaryDirectory() as d:
        # The shipped library refuses the testing KDF, so the smallest real one: the vault's
        # key derivation is outside what this measures.
        kdf = harbour.KdfSetting.CALIBRATED(
            target=datetime.timedelta(milliseconds=1), max_memory_mib=19
        )
        config = harbour.HarbourConfig(data_dir=d, locale="en-GB", kdf=kdf)
        h = harbour.Harbour.open(config, PassThroughKeyStore())
        await h.create_vault(b"482915")
        for i in range(1000):
            h.add_note(note_text(i), [])
        for _ in range(3):
            await h.list_notes()
        calls = 20_000
        start = time.perf_counter_ns()
        for _ in range(calls):
            h.is_unlocked()
        trivial_ns = (time.perf_counter_ns() - start) / calls
        lists = []
        for _ in range(runs):
            t = time.perf_counter_ns()
            assert len((await h.list_notes()).notes) == 1000
            lists.append((time.perf_counter_ns() - t) / 1e6)
        h.lock()
    print(json.dumps({"trivial_ns": trivial_ns, "list_ms": lists}))


if __name__ == "__main__":
    asyncio.run(main())
