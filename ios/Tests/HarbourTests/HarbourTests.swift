import Foundation
import XCTest
import HarbourCore

/// The generated Swift bindings, run for real against the Rust library.
final class HarbourTests: XCTestCase {
    let pin = Data("482915".utf8)
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func open(_ keyStore: PlatformKeyStore = TableTestKeyStore()) throws -> Harbour {
        try Harbour.open(
            config: HarbourConfig(dataDir: dir.path, locale: "en-GB", kdf: .testingOnly),
            keystore: keyStore)
    }

    /// The main thread's calls answer while another task is mid-unlock, and lock wins.
    func testIsUnlockedAndLockAnswerDuringAnUnlock() async throws {
        let ks = GatedKeyStore(TableTestKeyStore())
        let h = try open(ks)
        try await h.createVault(secret: pin)
        let quick = try h.addNote(text: "Reasons: my cat", tags: [])
        _ = try h.setNoteQuickAccess(id: quick.id, quickAccess: true)
        try h.lock()
        let gate = ks.arm()
        let pin = self.pin
        let unlocking = Task.detached { try await h.unlock(secret: pin) }
        XCTAssertEqual(gate.entered.wait(timeout: .now() + 20), .success)
        // Asked while the unlock holds the vault: each answers at once (or the test hangs).
        XCTAssertFalse(h.isUnlocked())
        guard case .locked = try h.vaultState() else { return XCTFail("not locked") }
        XCTAssertEqual(try h.quickAccessNotes().count, 1)
        try h.lock()
        gate.release.signal()
        let error = await assertThrowsAsync { try await unlocking.value }
        XCTAssertEqual(error as? HarbourError, .Locked)
        XCTAssertFalse(h.isUnlocked())
        try await h.unlock(secret: pin)
        XCTAssertTrue(h.isUnlocked())
    }

    /// A cancelled unlock does not leave the vault open for nobody to see.
    func testACancelledUnlockLeavesTheVaultLocked() async throws {
        let ks = GatedKeyStore(TableTestKeyStore())
        let h = try open(ks)
        try await h.createVault(secret: pin)
        try h.lock()
        let gate = ks.arm()
        let pin = self.pin
        let unlocking = Task.detached { try await h.unlockUnlessCancelled(secret: pin) }
        XCTAssertEqual(gate.entered.wait(timeout: .now() + 20), .success)
        unlocking.cancel()
        gate.release.signal()
        // uniffi's Swift awaits the Rust call to its end; the lock the cancel made wins.
        let error = await assertThrowsAsync { try await unlocking.value }
        XCTAssertNotNil(error)
        XCTAssertFalse(h.isUnlocked())
        let locked = await assertThrowsAsync { _ = try await h.listNotes() }
        XCTAssertEqual(locked as? HarbourError, .Locked)
        // Not cancelled: it unlocks as usual.
        try await h.unlockUnlessCancelled(secret: pin)
        XCTAssertTrue(h.isUnlocked())
    }

    /// The app hears lock changes instead of polling; the idle lock locks on a late return.
    func testAnObserverHearsLockChangesAndTheIdleLock() async throws {
        final class Heard: LockStateObserver, @unchecked Sendable {
            let lock = NSLock()
            var states: [LockState] = []
            func onLockState(state: LockState) { lock.lock(); states.append(state); lock.unlock() }
            var all: [LockState] { lock.lock(); defer { lock.unlock() }; return states }
        }
        let h = try open()
        let heard = Heard()
        h.setLockObserver(observer: heard)
        try await h.createVault(secret: pin)
        h.setIdleLock(after: 5 * 60)
        h.enteredBackground()
        XCTAssertFalse(try h.enteredForeground())
        XCTAssertTrue(h.isUnlocked())
        h.setIdleLock(after: 0)
        h.enteredBackground()
        XCTAssertTrue(try h.enteredForeground())
        XCTAssertFalse(h.isUnlocked())
        XCTAssertEqual(heard.all, [.locked, .unlocked, .locked])
        for _ in 0..<5 { _ = try? await h.unlock(secret: Data("000001".utf8)) }
        guard case .lockedOut(let until) = heard.all.last else { return XCTFail("\(heard.all)") }
        XCTAssertGreaterThan(until, Date())
        h.setLockObserver(observer: nil)
    }

    func testVaultAndNotesLifecycle() async throws {
        let h = try open()
        XCTAssertEqual(try h.vaultState(), .noVault)
        try await h.createVault(secret: pin)
        XCTAssertEqual(try h.vaultState(), .unlocked(secretKind: .pin))

        let a = try h.addNote(text: "Breathing out slowly helped", tags: ["calm"])
        let b = try h.addNote(text: "Went to the CAFÉ with Zoë", tags: [])
        var list = try await h.listNotes()
        XCTAssertEqual(Set(list.notes.map(\.id)), [a.id, b.id])
        XCTAssertEqual(list.unreadable, 0)
        let found = try await h.searchNotes(query: "cafe zoe").notes.map(\.id)
        XCTAssertEqual(found, [b.id])

        let edited = try h.editNote(id: a.id, text: "Breathing out slowly helped a lot")
        // Times are Foundation dates; a note reads back exactly as it was returned.
        XCTAssertEqual(edited.createdAt, a.createdAt)
        XCTAssertEqual(try h.note(id: a.id), edited)
        try h.deleteNote(id: b.id)
        list = try await h.listNotes()
        XCTAssertEqual(list.notes.map(\.text), ["Breathing out slowly helped a lot"])
        XCTAssertThrowsError(try h.note(id: b.id)) { error in
            guard case HarbourError.NotFound = error else { return XCTFail("\(error)") }
        }

        try h.lock()
        XCTAssertFalse(h.isUnlocked())
        try await h.unlock(secret: pin)
        let count = try await h.listNotes().notes.count
        XCTAssertEqual(count, 1)
    }

    func testWrongPinIsTyped() async throws {
        let h = try open()
        try await h.createVault(secret: pin)
        try h.lock()
        let wrong = await assertThrowsAsync { try await h.unlock(secret: Data("000001".utf8)) }
        guard case HarbourError.WrongSecret(let retry) = wrong ?? Boom() else { return XCTFail("\(String(describing: wrong))") }
        XCTAssertNil(retry)
        for _ in 0..<4 { _ = try? await h.unlock(secret: Data("000001".utf8)) }
        guard case .locked(_, let attempts, let after) = try h.vaultState() else { return XCTFail() }
        XCTAssertEqual(attempts, 5)
        XCTAssertGreaterThan(after ?? 0, 0)
        let out = await assertThrowsAsync { try await h.unlock(secret: self.pin) }
        guard case HarbourError.LockedOut(let interval) = out ?? Boom() else { return XCTFail("\(String(describing: out))") }
        // A TimeInterval in seconds.
        XCTAssertGreaterThan(interval, 0)
    }

    func testCallsWhileLockedAreTyped() async throws {
        let h = try open()
        let none = await assertThrowsAsync { _ = try await h.listNotes() }
        XCTAssertEqual(none as? HarbourError, .NoVault)
        try await h.createVault(secret: pin)
        try h.lock()
        let locked = await assertThrowsAsync { _ = try await h.listNotes() }
        XCTAssertEqual(locked as? HarbourError, .Locked)
        XCTAssertThrowsError(try h.addNote(text: "x", tags: [])) { error in
            XCTAssertEqual(error as? HarbourError, .Locked)
        }
        try await h.unlock(secret: pin)
        XCTAssertThrowsError(try h.removePlanItem(section: .onMyOwn, index: -1)) { error in
            guard case HarbourError.InvalidInput = error else { return XCTFail("\(error)") }
        }
    }

    func testQuickAccessNotesNeedNoSecret() async throws {
        let ks = TableTestKeyStore()
        let h = try open(ks)
        try await h.createVault(secret: pin)
        let quick = try h.addNote(text: "Reasons: my cat, the sea", tags: [])
        _ = try h.addNote(text: "private", tags: [])
        _ = try h.setNoteQuickAccess(id: quick.id, quickAccess: true)
        try h.lock()
        XCTAssertEqual(try open(ks).quickAccessNotes().map(\.text), ["Reasons: my cat, the sea"])
    }

    func testBindingsFromAnotherBuildAreRefusedAtOpen() throws {
        let other = dir.appendingPathComponent("other")
        let config = HarbourConfig(dataDir: other.path, locale: "en-GB", kdf: .testingOnly)
        XCTAssertThrowsError(
            try Harbour.open(config: config, keystore: TableTestKeyStore(), contract: "0.0.1+abcdefabcdef")
        ) { error in
            guard case .ContractMismatch(let library, let bindings) = error as? HarbourError else {
                return XCTFail("not a contract mismatch: \(error)")
            }
            XCTAssertEqual(library, libraryContract())
            XCTAssertEqual(bindings, "0.0.1+abcdefabcdef")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: other.path))
        // Left out, the contract is the one these bindings were generated with: this library's.
        _ = try Harbour.open(config: config, keystore: TableTestKeyStore())
    }

    func testAThrowingKeyStoreGivesACleanError() async throws {
        let unknown = try open(ThrowingKeyStore())
        let failed = await assertThrowsAsync { try await unknown.createVault(secret: self.pin) }
        XCTAssertEqual(failed as? HarbourError, .KeyStoreFailed)
        XCTAssertEqual(try unknown.vaultState(), .noVault)
        let unavailable = try open(ThrowingKeyStore(PlatformKeyError.Unavailable))
        let gone = await assertThrowsAsync { try await unavailable.createVault(secret: self.pin) }
        XCTAssertEqual(gone as? HarbourError, .KeyStoreUnavailable)
    }

    func testARustPanicArrivesAsAnError() throws {
        XCTAssertThrowsError(try testingTriggerPanic()) { error in
            // uniffi's internal error type is private to the generated file; a panic surfaces
            // as its `rustPanic` case, not as a HarbourError.
            XCTAssertNil(error as? HarbourError)
            XCTAssertTrue(String(describing: error).contains("rustPanic"), "\(error)")
        }
        // Still usable afterwards.
        XCTAssertEqual(try open().vaultState(), .noVault)
    }

    func testManyTasksOnOneObject() async throws {
        let h = try open()
        try await h.createVault(secret: pin)
        let tasks = 8, perTask = 25
        try await withThrowingTaskGroup(of: Void.self) { group in
            for t in 0..<tasks {
                group.addTask {
                    for i in 0..<perTask {
                        let n = try h.addNote(text: "task \(t) note \(i)", tags: ["t\(t)"])
                        if i % 5 == 0 { _ = try h.editNote(id: n.id, text: "task \(t) note \(i) edited") }
                        if i % 7 == 0 { _ = try await h.listNotes() }
                    }
                }
            }
            try await group.waitForAll()
        }
        let notes = try await h.listNotes().notes
        XCTAssertEqual(notes.count, tasks * perTask)
        XCTAssertEqual(Set(notes.map(\.id)).count, notes.count)
    }
}
