import Foundation
import XCTest
@testable import Harbour

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

    func testExportEraseRestoreOnAnotherDeviceKey() throws {
        let ks = TableTestKeyStore()
        let h = try open("old", ks)
        try h.createVault(secret: pin)
        _ = try h.addNote(text: "Breathe out slowly", tags: ["calm"])
        _ = try h.addPlanItem(section: .onMyOwn, text: "Music", contact: nil, serviceId: nil)
        let notes = try h.listNotes().notes
        let plan = try h.plan()
        let backup = try h.exportBackup(passphrase: passphrase)
        XCTAssertEqual(backup.prefix(22), Data("age-encryption.org/v1\n".utf8))

        let report = try h.eraseEverything()
        XCTAssertGreaterThan(report.platformKeysDeleted, 0)
        XCTAssertEqual(ks.aliases, [])
        XCTAssertEqual(try h.vaultState(), .noVault)

        let phone = try open("new", TableTestKeyStore())
        try phone.createVault(secret: Data("739164".utf8))
        XCTAssertThrowsError(try phone.restoreBackup(backup: backup, passphrase: Data("not the passphrase at all".utf8))) {
            XCTAssertEqual($0 as? HarbourError, .BackupRefused(problem: .wrongPassphrase))
        }
        var cut = backup
        cut.removeLast(10)
        XCTAssertThrowsError(try phone.restoreBackup(backup: cut, passphrase: passphrase)) {
            guard case .BackupRefused = $0 as? HarbourError else { return XCTFail("\($0)") }
        }
        let summary = try phone.restoreBackup(backup: backup, passphrase: passphrase)
        XCTAssertEqual(summary.notes, 1)
        XCTAssertEqual(summary.planItems, 1)
        XCTAssertEqual(try phone.listNotes().notes, notes)
        XCTAssertEqual(try phone.plan().sections, plan.sections)
    }

    func testExportNeedsAStrongPassphraseAndAFreshUnlock() throws {
        let h = try open("one", TableTestKeyStore())
        try h.createVault(secret: pin)
        XCTAssertThrowsError(try h.exportBackup(passphrase: Data("short".utf8))) {
            guard case .WeakSecret = $0 as? HarbourError else { return XCTFail("\($0)") }
        }
        let generated = try generateBackupPassphrase()
        XCTAssertEqual(generated.split(separator: "-").count, 5)
        try checkBackupPassphrase(passphrase: Data(generated.utf8))
        let file = root.appendingPathComponent("plan.age")
        try h.reauthenticate(secret: pin)
        try h.exportBackupToFile(path: file.path, passphrase: Data(generated.utf8))
        XCTAssertGreaterThan(try Data(contentsOf: file).count, 100)
    }

    func testRotationReplacesPlatformKeysAndKeepsData() throws {
        let ks = TableTestKeyStore()
        let h = try open("one", ks)
        try h.createVault(secret: pin)
        _ = try h.addNote(text: "kept", tags: [])
        let before = ks.aliases
        try h.rotateDataKey(secret: pin)
        XCTAssertFalse(ks.aliases.isEmpty)
        XCTAssertTrue(ks.aliases.isDisjoint(with: before))
        try h.lock()
        try h.unlock(secret: pin)
        XCTAssertEqual(try h.listNotes().notes.map(\.text), ["kept"])
    }
}
