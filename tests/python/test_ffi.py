"""End-to-end tests of the generated Python bindings against the Rust library."""

import datetime
import os
import tempfile
import threading
import unittest

import harbour

PIN = b"482915"


class TableKeyStore(harbour.PlatformKeyStore):
    """Hands out random tokens for plaintexts: only tokens it made can be unwrapped."""

    def __init__(self):
        self.table = {}
        self.lock = threading.Lock()

    def wrap(self, alias, plaintext):
        token = os.urandom(32)
        with self.lock:
            self.table.setdefault(alias, {})[token] = bytes(plaintext)
        return token

    def unwrap(self, alias, wrapped):
        with self.lock:
            if alias not in self.table:
                raise harbour.PlatformKeyError.NotFound()
            try:
                return self.table[alias][bytes(wrapped)]
            except KeyError:
                raise harbour.PlatformKeyError.Rejected()

    def delete(self, alias):
        with self.lock:
            self.table.pop(alias, None)


def open_harbour(path, keystore=None):
    config = harbour.HarbourConfig(
        data_dir=path, locale="en-GB", kdf=harbour.KdfSetting.TESTING_ONLY()
    )
    return harbour.Harbour.open(config, keystore or TableKeyStore())


class FfiEndToEnd(unittest.IsolatedAsyncioTestCase):
    """The slow calls are coroutines here (`async` in Rust), awaited on asyncio's loop."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    async def test_notes_round_trip_and_nothing_plain_on_disk(self):
        ks = TableKeyStore()
        h = open_harbour(self.dir, ks)
        await h.create_vault(PIN)
        marker = "PYMARKER-4411"
        n = h.add_note(f"{marker} walk by the sea", ["outside"])
        self.assertEqual((await h.search_notes("SEA outside")).notes[0].id, n.id)
        self.assertIsInstance(n.created_at, datetime.datetime)
        h.edit_note(n.id, f"{marker} edited")
        h.lock()
        await h.unlock(PIN)
        self.assertEqual((await h.list_notes()).notes[0].text, f"{marker} edited")
        h.lock()
        for root, _, files in os.walk(self.dir):
            for f in files:
                with open(os.path.join(root, f), "rb") as fh:
                    self.assertNotIn(marker.encode(), fh.read(), f)

    async def test_typed_errors(self):
        h = open_harbour(self.dir)
        with self.assertRaises(harbour.HarbourError.NoVault):
            await h.list_notes()
        with self.assertRaises(harbour.HarbourError.WeakSecret):
            await h.create_vault(b"12")
        await h.create_vault(PIN)
        h.lock()
        with self.assertRaises(harbour.HarbourError.Locked):
            await h.list_notes()
        with self.assertRaises(harbour.HarbourError.WrongSecret):
            await h.unlock(b"000001")

    async def test_a_vault_without_its_keys_is_keys_missing_and_set_aside(self):
        old = open_harbour(self.dir, TableKeyStore())
        await old.create_vault(PIN)
        old.add_note("kept", [])
        old.lock()
        # The same files with another phone's (empty) key store.
        phone = open_harbour(self.dir, TableKeyStore())
        self.assertEqual(phone.vault_state(), harbour.VaultState.KEYS_MISSING())
        with self.assertRaises(harbour.HarbourError.DeviceKeyMissing):
            await phone.unlock(PIN)
        aside = await phone.set_aside_vault()
        self.assertTrue(os.path.isfile(os.path.join(aside.folder, "harbour.sqlite3")))
        self.assertEqual(phone.vault_state(), harbour.VaultState.NO_VAULT())
        await phone.create_vault(b"739164")
        with self.assertRaises(harbour.HarbourError.InvalidInput):
            await phone.set_aside_vault()

    def test_bindings_from_another_build_are_refused_at_open(self):
        other = os.path.join(self.dir, "other")
        config = harbour.HarbourConfig(
            data_dir=other, locale="en-GB", kdf=harbour.KdfSetting.TESTING_ONLY()
        )
        with self.assertRaises(harbour.HarbourError.ContractMismatch) as caught:
            harbour.Harbour.open(config, TableKeyStore(), "0.0.1+abcdefabcdef")
        self.assertEqual(caught.exception.library, harbour.library_contract())
        self.assertEqual(caught.exception.bindings, "0.0.1+abcdefabcdef")
        self.assertFalse(os.path.exists(other))
        harbour.Harbour.open(config, TableKeyStore())

    def test_help_now_without_a_vault(self):
        h = open_harbour(self.dir)
        at = datetime.datetime(2026, 11, 21, 3, 0, tzinfo=datetime.timezone.utc)
        q = harbour.HelpQuery(at=at, age=15, area="Torbay",
                              channels=[harbour.ChannelKind.TEXT], topics=[], for_professionals=False)
        answer = h.help_now(q)
        self.assertEqual(answer.emergency[0].contact, "999")
        self.assertEqual(answer.options[0].how, "Text SHOUT to 85258")
        self.assertFalse(os.path.exists(os.path.join(self.dir, "harbour.sqlite3")))
        # A whole postcode gives one council (the South Hams side of TQ3 is Devon's); a
        # nonsense one is a typed error.
        pq = harbour.HelpQuery(at=at, age=15, area=None, postcode="TQ3 1BR", channels=[],
                               topics=[], for_professionals=False)
        self.assertEqual(h.help_now(pq).area_codes, ["E10000008"])
        pq.postcode = "not a postcode"
        with self.assertRaises(harbour.HarbourError.NotAPostcode):
            h.help_now(pq)

    async def test_a_moment_and_check_ins_without_counts(self):
        h = open_harbour(self.dir)
        moment = h.coping_moment(harbour.Feeling.NUMB)
        self.assertTrue(all(harbour.Feeling.NUMB in i.feelings for i in moment.ideas))
        query = harbour.HelpQuery(
            at=None, age=15, area=None, channels=[], topics=[], for_professionals=False
        )
        after = h.after_moment(None, harbour.HowNow.WORSE_OR_NOT_SAFE, [], query)
        self.assertTrue(after.is_GET_HELP())
        self.assertEqual(after.help.emergency[0].contact, "999")
        await h.create_vault(PIN)
        h.add_checkin(None, 3, "before", [
            harbour.TriedThing(what="A walk", idea=None, helped=harbour.Helped.YES)
        ])
        helped = await h.what_has_helped()
        self.assertEqual([w.what for w in helped], ["A walk"])
        self.assertFalse(hasattr(helped[0], "count"))

    def test_a_panic_is_an_exception(self):
        with self.assertRaises(harbour.InternalError):
            harbour.testing_trigger_panic()


if __name__ == "__main__":
    unittest.main()
