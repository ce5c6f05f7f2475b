import Foundation
import XCTest
@testable import Harbour

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

    /// The main thread's calls answer while another thread is mid-unlock, and lock wins.
    func testIsUnlockedAndLockAnswerDuringAnUnlock() throws {
        let ks = GatedKeyStore(TableTestKeyStore())
        let h = try open(ks)
        try h.createVault(secret: pin)
        try h.lock()
        let gate = ks.arm()
        let done = DispatchSemaphore(value: 0)
        let pin = self.pin
        final class Outcome: @unchecked Sendable { var error: Error? }
        let outcome = Outcome()
        Thread.detachNewThread {
            do { try h.unlock(secret: pin) } catch { outcome.error = error }
            done.signal()
        }
        XCTAssertEqual(gate.entered.wait(timeout: .now() + 20), .success)
        // Asked while the unlock holds the vault: each answers at once (or the test hangs).
        XCTAssertFalse(h.isUnlocked())
        guard case .locked = try h.vaultState() else { return XCTFail("not locked") }
        try h.lock()
        gate.release.signal()
        XCTAssertEqual(done.wait(timeout: .now() + 20), .success)
        guard case HarbourError.Locked = outcome.error ?? Boom() else {
            return XCTFail("\(String(describing: outcome.error))")
        }
        XCTAssertFalse(h.isUnlocked())
        try h.unlock(secret: pin)
        XCTAssertTrue(h.isUnlocked())
    }

    func testVaultAndNotesLifecycle() throws {
        let h = try open()
        XCTAssertEqual(try h.vaultState(), .noVault)
        try h.createVault(secret: pin)
        XCTAssertEqual(try h.vaultState(), .unlocked(secretKind: .pin))

        let a = try h.addNote(text: "Breathing out slowly helped", tags: ["calm"])
        let b = try h.addNote(text: "Went to the CAFÉ with Zoë", tags: [])
        XCTAssertEqual(Set(try h.listNotes().notes.map(\.id)), [a.id, b.id])
        XCTAssertEqual(try h.listNotes().unreadable, 0)
        XCTAssertEqual(try h.searchNotes(query: "cafe zoe").notes.map(\.id), [b.id])

        _ = try h.editNote(id: a.id, text: "Breathing out slowly helped a lot")
        try h.deleteNote(id: b.id)
        XCTAssertEqual(try h.listNotes().notes.map(\.text), ["Breathing out slowly helped a lot"])
        XCTAssertThrowsError(try h.note(id: b.id)) { error in
            guard case HarbourError.NotFound = error else { return XCTFail("\(error)") }
        }

        try h.lock()
        XCTAssertFalse(h.isUnlocked())
        try h.unlock(secret: pin)
        XCTAssertEqual(try h.listNotes().notes.count, 1)
    }

    func testWrongPinIsTyped() throws {
        let h = try open()
        try h.createVault(secret: pin)
        try h.lock()
        XCTAssertThrowsError(try h.unlock(secret: Data("000001".utf8))) { error in
            guard case HarbourError.WrongSecret(let retry) = error else { return XCTFail("\(error)") }
            XCTAssertNil(retry)
        }
        for _ in 0..<4 { _ = try? h.unlock(secret: Data("000001".utf8)) }
        XCTAssertThrowsError(try h.unlock(secret: pin)) { error in
            guard case HarbourError.LockedOut(let seconds) = error else { return XCTFail("\(error)") }
            XCTAssertGreaterThan(seconds, 0)
        }
    }

    func testCallsWhileLockedAreTyped() throws {
        let h = try open()
        XCTAssertThrowsError(try h.listNotes().notes) { error in
            XCTAssertEqual(error as? HarbourError, .NoVault)
        }
        try h.createVault(secret: pin)
        try h.lock()
        for call in [{ _ = try h.listNotes().notes }, { _ = try h.addNote(text: "x", tags: []) }] {
            XCTAssertThrowsError(try call()) { error in
                XCTAssertEqual(error as? HarbourError, .Locked)
            }
        }
    }

    func testQuickAccessNotesNeedNoSecret() throws {
        let ks = TableTestKeyStore()
        let h = try open(ks)
        try h.createVault(secret: pin)
        let quick = try h.addNote(text: "Reasons: my cat, the sea", tags: [])
        _ = try h.addNote(text: "private", tags: [])
        _ = try h.setNoteQuickAccess(id: quick.id, quickAccess: true)
        try h.lock()
        XCTAssertEqual(try open(ks).quickAccessNotes().map(\.text), ["Reasons: my cat, the sea"])
    }

    func testAThrowingKeyStoreGivesACleanError() throws {
        let unknown = try open(ThrowingKeyStore())
        XCTAssertThrowsError(try unknown.createVault(secret: pin)) { error in
            XCTAssertEqual(error as? HarbourError, .KeyStoreFailed)
        }
        XCTAssertEqual(try unknown.vaultState(), .noVault)
        let unavailable = try open(ThrowingKeyStore(PlatformKeyError.Unavailable))
        XCTAssertThrowsError(try unavailable.createVault(secret: pin)) { error in
            XCTAssertEqual(error as? HarbourError, .KeyStoreUnavailable)
        }
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

    func testManyThreadsOnOneObject() throws {
        let h = try open()
        try h.createVault(secret: pin)
        let threads = 8, perThread = 25
        let failures = NSLock()
        var errors: [Error] = []
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            do {
                for i in 0..<perThread {
                    let n = try h.addNote(text: "thread \(t) note \(i)", tags: ["t\(t)"])
                    if i % 5 == 0 { _ = try h.editNote(id: n.id, text: "thread \(t) note \(i) edited") }
                    if i % 7 == 0 { _ = try h.listNotes().notes }
                }
            } catch {
                failures.lock(); errors.append(error); failures.unlock()
            }
        }
        XCTAssertTrue(errors.isEmpty, "\(errors)")
        let notes = try h.listNotes().notes
        XCTAssertEqual(notes.count, threads * perThread)
        XCTAssertEqual(Set(notes.map(\.id)).count, notes.count)
    }
}
