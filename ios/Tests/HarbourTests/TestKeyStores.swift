import Foundation
import HarbourCore

/// A key store for tests: each wrap returns fresh random bytes that stand for the plaintext,
/// so only bytes it handed out can be unwrapped (any change is `Rejected`), and nothing leaves
/// the process. Thread-safe.
final class TableTestKeyStore: PlatformKeyStore, @unchecked Sendable {
    private var table: [String: [Data: Data]] = [:]
    private let lock = NSLock()

    func wrap(alias: String, plaintext: Data) throws -> Data {
        lock.lock(); defer { lock.unlock() }
        var token = Data(count: 32)
        for i in 0..<32 { token[i] = UInt8.random(in: 0...255) }
        table[alias, default: [:]][token] = plaintext
        return token
    }

    func unwrap(alias: String, wrapped: Data) throws -> Data {
        lock.lock(); defer { lock.unlock() }
        guard let entries = table[alias] else { throw PlatformKeyError.NotFound }
        guard let plain = entries[wrapped] else { throw PlatformKeyError.Rejected }
        return plain
    }

    func delete(alias: String) throws {
        lock.lock(); defer { lock.unlock() }
        table[alias] = nil
    }

    /// The aliases that still hold a key.
    var aliases: Set<String> {
        lock.lock(); defer { lock.unlock() }
        return Set(table.keys)
    }
}

struct Boom: Error {}

/// Throws on every call: `error` if given, otherwise an error type Harbour does not know.
final class ThrowingKeyStore: PlatformKeyStore, @unchecked Sendable {
    let error: Error
    init(_ error: Error = Boom()) { self.error = error }
    func wrap(alias: String, plaintext: Data) throws -> Data { throw error }
    func unwrap(alias: String, wrapped: Data) throws -> Data { throw error }
    func delete(alias: String) throws { throw error }
}

/// Delegates to a working store; once armed, the next `unwrap` (which every unlock makes,
/// after its key derivation) stops until released, so a test can act mid-unlock.
final class GatedKeyStore: PlatformKeyStore, @unchecked Sendable {
    private let inner: PlatformKeyStore
    private let lock = NSLock()
    private var gate: (entered: DispatchSemaphore, release: DispatchSemaphore)?

    init(_ inner: PlatformKeyStore) { self.inner = inner }

    func arm() -> (entered: DispatchSemaphore, release: DispatchSemaphore) {
        lock.lock(); defer { lock.unlock() }
        let g = (entered: DispatchSemaphore(value: 0), release: DispatchSemaphore(value: 0))
        gate = g
        return g
    }

    func wrap(alias: String, plaintext: Data) throws -> Data {
        try inner.wrap(alias: alias, plaintext: plaintext)
    }

    func unwrap(alias: String, wrapped: Data) throws -> Data {
        lock.lock()
        let g = gate
        gate = nil
        lock.unlock()
        if let g {
            g.entered.signal()
            g.release.wait()
        }
        return try inner.unwrap(alias: alias, wrapped: wrapped)
    }

    func delete(alias: String) throws { try inner.delete(alias: alias) }
}
