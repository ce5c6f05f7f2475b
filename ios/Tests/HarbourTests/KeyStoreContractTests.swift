import Foundation
import XCTest
import HarbourCore
import HarbourKeychain

/// A fake of the Keychain and Secure Enclave calls: keys are numbers, "encryption" is the key
/// number, the bytes and a check byte, so a changed byte or another key fails to decrypt.
/// `locked` makes every decryption fail, as a locked phone's Secure Enclave does.
final class FakeKeyOperations: KeyOperations, @unchecked Sendable {
    private let lock = NSLock()
    private var keys: [Data: UInt8] = [:]
    private(set) var created = 0
    var locked = false
    var findStatus: Int32?
    var createStatus: Int32?
    var deleteStatus: Int32?

    private func check(_ key: UInt8, _ bytes: Data) -> UInt8 {
        bytes.reduce(key) { $0 &* 31 &+ $1 }
    }

    func find(tag: Data) -> KeyLookup<UInt8> {
        lock.lock(); defer { lock.unlock() }
        if let status = findStatus { return .failed(status) }
        return keys[tag].map { .found($0) } ?? .missing
    }

    func create(tag: Data) throws -> UInt8 {
        lock.lock(); defer { lock.unlock() }
        if let status = createStatus { throw KeychainStatus(status) }
        // Widen the window in which two unsynchronised first wraps would both get here.
        Thread.sleep(forTimeInterval: 0.001)
        created += 1
        let key = UInt8(truncatingIfNeeded: created)
        keys[tag] = key
        return key
    }

    func encrypt(with key: UInt8, _ plaintext: Data) -> Data? {
        Data([key]) + plaintext + Data([check(key, plaintext)])
    }

    func decrypt(with key: UInt8, _ wrapped: Data) -> Data? {
        lock.lock(); defer { lock.unlock() }
        guard !locked, wrapped.count >= 2, wrapped.first == key else { return nil }
        let body = wrapped.dropFirst().dropLast()
        return wrapped.last == check(key, Data(body)) ? Data(body) : nil
    }

    func delete(tag: Data) -> Int32 {
        lock.lock(); defer { lock.unlock() }
        if let status = deleteStatus { return status }
        return keys.removeValue(forKey: tag) == nil ? KeychainStatus.itemNotFound : 0
    }
}

/// The iOS key store's failure mapping, through the fake: a passing failure is never tampering.
final class KeyStoreContractTests: XCTestCase {
    func error(_ body: () throws -> Void) -> PlatformKeyError? {
        do {
            try body()
            XCTFail("nothing was thrown")
            return nil
        } catch {
            return error as? PlatformKeyError
        }
    }

    func testOnlyBytesAWorkingKeyRefusesAreRejected() throws {
        let store = ContractKeyStore(FakeKeyOperations())
        let wrapped = try store.wrap(alias: "a", plaintext: Data("key".utf8))
        XCTAssertEqual(try store.unwrap(alias: "a", wrapped: wrapped), Data("key".utf8))
        var changed = wrapped
        changed[1] ^= 1
        XCTAssertEqual(error { _ = try store.unwrap(alias: "a", wrapped: changed) }, .Rejected)
    }

    func testALockedPhoneIsUnavailableNotTampering() throws {
        let ops = FakeKeyOperations()
        let store = ContractKeyStore(ops)
        let wrapped = try store.wrap(alias: "a", plaintext: Data("key".utf8))
        ops.locked = true
        XCTAssertEqual(error { _ = try store.unwrap(alias: "a", wrapped: wrapped) }, .Unavailable)
        ops.locked = false
        XCTAssertEqual(try store.unwrap(alias: "a", wrapped: wrapped), Data("key".utf8))
    }

    func testKeychainStatusesMapToTheContract() throws {
        let ops = FakeKeyOperations()
        let store = ContractKeyStore(ops)
        XCTAssertEqual(error { _ = try store.unwrap(alias: "none", wrapped: Data([1, 2])) }, .NotFound)
        ops.findStatus = KeychainStatus.interactionNotAllowed
        XCTAssertEqual(error { _ = try store.unwrap(alias: "a", wrapped: Data([1])) }, .Unavailable)
        XCTAssertEqual(error { _ = try store.wrap(alias: "a", plaintext: Data([1])) }, .Unavailable)
        ops.findStatus = -34018  // a missing entitlement: not something a retry fixes
        XCTAssertEqual(error { _ = try store.wrap(alias: "a", plaintext: Data([1])) }, .Failed)
        ops.findStatus = nil
        ops.createStatus = KeychainStatus.interactionNotAllowed
        XCTAssertEqual(error { _ = try store.wrap(alias: "a", plaintext: Data([1])) }, .Unavailable)
        ops.createStatus = KeychainStatus.itemNotFound
        XCTAssertEqual(error { _ = try store.wrap(alias: "a", plaintext: Data([1])) }, .Failed)
    }

    func testDeletingAMissingKeySucceedsAndALockedKeychainIsUnavailable() throws {
        let ops = FakeKeyOperations()
        let store = ContractKeyStore(ops)
        try store.delete(alias: "never-made")
        _ = try store.wrap(alias: "a", plaintext: Data([1]))
        ops.deleteStatus = KeychainStatus.interactionNotAllowed
        XCTAssertEqual(error { try store.delete(alias: "a") }, .Unavailable)
        ops.deleteStatus = nil
        try store.delete(alias: "a")
        XCTAssertEqual(error { _ = try store.unwrap(alias: "a", wrapped: Data([1])) }, .NotFound)
    }

    func testFirstWrapsOnManyThreadsMakeOneKey() throws {
        let ops = FakeKeyOperations()
        let store = ContractKeyStore(ops)
        let results = NSLock()
        var wrapped: [Data] = []
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            if let w = try? store.wrap(alias: "same", plaintext: Data([UInt8(i)])) {
                results.lock(); wrapped.append(w); results.unlock()
            }
        }
        XCTAssertEqual(ops.created, 1)
        XCTAssertEqual(wrapped.count, 8)
        for w in wrapped { _ = try store.unwrap(alias: "same", wrapped: w) }
    }

    /// End to end: a vault whose platform key is locked away for a moment says
    /// `KeyStoreUnavailable` (try again), not `Tampered`, and opens once it is back.
    func testAVaultBehindALockedKeyIsUnavailableNotTampered() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: dir) }
        let ops = FakeKeyOperations()
        let h = try Harbour.open(
            config: HarbourConfig(dataDir: dir.path, locale: "en-GB", kdf: .testingOnly),
            keystore: ContractKeyStore(ops))
        let pin = Data("482915".utf8)
        try await h.createVault(secret: pin)
        try h.lock()
        ops.locked = true
        let failed = await assertThrowsAsync { try await h.unlock(secret: pin) }
        XCTAssertEqual(failed as? HarbourError, .KeyStoreUnavailable)
        ops.locked = false
        try await h.unlock(secret: pin)
        XCTAssertTrue(h.isUnlocked())
    }
}
