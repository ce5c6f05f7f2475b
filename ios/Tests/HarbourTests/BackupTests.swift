import Foundation
import XCTest
import HarbourCore

/// Backup, restore, key rotation and erase through the generated Swift.
final class BackupTests: XCTestCase {
    let pin = Data("482915".utf8)
    let passphrase = Data("quiet harbour light at dawn".utf8)
    var root: URL!

    override func setUp() {
        root = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    }

    func open(_ name: String, _ ks: PlatformKeyStore) throws -> Harbour {
        try Harbour.open(
            config: HarbourConfig(
                dataDir: root.appendingPathComponent(name).path, locale: "en-GB", kdf: .testingOnly),
            keystore: ks)
    }

    /// An OS backup or transfer brings the files to a phone without their keys.
    func testAVaultCopiedWithoutItsKeysIsKeysMissingThenSetAsideAndRestored() async throws {
        let old = try open("moved", TableTestKeyStore())
        try await old.createVault(secret: pin)
        _ = try old.addNote(text: "Reasons: my cat", tags: [])
        let backup = try await old.exportBackup(passphrase: passphrase)
        try old.lock()

        let phone = try open("moved", TableTestKeyStore())
        XCTAssertEqual(try phone.vaultState(), .keysMissing)
        let refused = await assertThrowsAsync { try await phone.unlock(secret: self.pin) }
        XCTAssertEqual(refused as? HarbourError, .DeviceKeyMissing)
        let aside = try await phone.setAsideVault()
        XCTAssertTrue(FileManager.default.fileExists(
            atPath: URL(fileURLWithPath: aside.folder).appendingPathComponent("harbour.sqlite3").path))
        XCTAssertEqual(try phone.vaultState(), .noVault)
        try await phone.createVault(secret: Data("739164".utf8))
        let restored = try await phone.restoreBackup(backup: backup, passphrase: passphrase)
        XCTAssertEqual(restored.notes, 1)
        let notes = try await phone.listNotes().notes
        XCTAssertEqual(notes.map(\.text), ["Reasons: my cat"])
        _ = try await phone.eraseEverything()
        XCTAssertFalse(FileManager.default.fileExists(atPath: aside.folder))
    }

    func testExportEraseRestoreOnAnotherDeviceKey() async throws {
        let ks = TableTestKeyStore()
        let h = try open("old", ks)
        try await h.createVault(secret: pin)
        _ = try h.addNote(text: "Breathe out slowly", tags: ["calm"])
        _ = try h.addPlanItem(section: .onMyOwn, text: "Music", contact: nil, serviceId: nil)
        let notes = try await h.listNotes().notes
        let plan = try h.plan()
        let backup = try await h.exportBackup(passphrase: passphrase)
        XCTAssertEqual(backup.prefix(22), Data("age-encryption.org/v1\n".utf8))

        let report = try await h.eraseEverything()
        XCTAssertGreaterThan(report.platformKeysDeleted, 0)
        XCTAssertEqual(ks.aliases, [])
        XCTAssertEqual(try h.vaultState(), .noVault)

        let phone = try open("new", TableTestKeyStore())
        try await phone.createVault(secret: Data("739164".utf8))
        let wrong = await assertThrowsAsync {
            _ = try await phone.restoreBackup(backup: backup, passphrase: Data("not the passphrase at all".utf8))
        }
        XCTAssertEqual(wrong as? HarbourError, .BackupRefused(problem: .wrongPassphrase))
        var cut = backup
        cut.removeLast(10)
        let damaged = await assertThrowsAsync {
            _ = try await phone.restoreBackup(backup: cut, passphrase: self.passphrase)
        }
        guard case .BackupRefused = damaged as? HarbourError else { return XCTFail("\(String(describing: damaged))") }
        let summary = try await phone.restoreBackup(backup: backup, passphrase: passphrase)
        XCTAssertEqual(summary.notes, 1)
        XCTAssertEqual(summary.planItems, 1)
        let restoredNotes = try await phone.listNotes().notes
        XCTAssertEqual(restoredNotes, notes)
        XCTAssertEqual(try phone.plan().sections, plan.sections)
    }

    func testExportNeedsAStrongPassphraseAndAFreshUnlock() async throws {
        let h = try open("one", TableTestKeyStore())
        try await h.createVault(secret: pin)
        let weak = await assertThrowsAsync { _ = try await h.exportBackup(passphrase: Data("short".utf8)) }
        guard case .WeakSecret = weak as? HarbourError else { return XCTFail("\(String(describing: weak))") }
        let generated = try generateBackupPassphrase()
        XCTAssertEqual(generated.split(separator: "-").count, 5)
        try checkBackupPassphrase(passphrase: Data(generated.utf8))
        let file = root.appendingPathComponent("plan.age")
        try await h.reauthenticate(secret: pin)
        try await h.exportBackupToFile(path: file.path, passphrase: Data(generated.utf8))
        XCTAssertGreaterThan(try Data(contentsOf: file).count, 100)
    }

    func testRotationReplacesPlatformKeysAndKeepsData() async throws {
        let ks = TableTestKeyStore()
        let h = try open("one", ks)
        try await h.createVault(secret: pin)
        _ = try h.addNote(text: "kept", tags: [])
        let before = ks.aliases
        try await h.rotateDataKey(secret: pin)
        XCTAssertFalse(ks.aliases.isEmpty)
        XCTAssertTrue(ks.aliases.isDisjoint(with: before))
        try h.lock()
        try await h.unlock(secret: pin)
        let texts = try await h.listNotes().notes.map(\.text)
        XCTAssertEqual(texts, ["kept"])
    }
}
