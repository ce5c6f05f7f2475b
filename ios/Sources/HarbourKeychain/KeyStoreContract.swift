// The rules that turn Keychain and Secure Enclave failures into Harbour's key store contract.
//
// They live apart from the Security calls (KeychainPlatformKeyStore.swift) so that they
// compile everywhere and are tested on Linux with a fake of those calls. Three answers matter
// to the person using the app, and a wrong one shows the wrong screen:
//
// - `Unavailable`: not usable right now (the phone is locked, the Secure Enclave is busy).
//   Harbour says "try again"; never tampering, never a missing key.
// - `NotFound`: no key under the alias (deleted, or this is another phone). Restore from a
//   backup.
// - `Rejected`: the key works and refused these bytes. Only that is reported as tampering.
//
// `SecKeyCreateDecryptedData` fails the same way for changed bytes and for a key that cannot
// be used now, so a failed decryption is followed by a probe: a few random bytes encrypted to
// the same key and decrypted again. If the probe opens, the key works and the bytes were bad
// (`Rejected`); if it does not, the key is not usable now (`Unavailable`).

import Foundation
import HarbourCore

/// What looking a key up in the Keychain found.
public enum KeyLookup<Key> {
    case found(Key)
    case missing
    /// The Keychain's `OSStatus`.
    case failed(Int32)
}

/// The platform calls a key store makes, one method per call.
public protocol KeyOperations {
    associatedtype Key
    func find(tag: Data) -> KeyLookup<Key>
    /// Makes a key under `tag`; throws a ``KeychainStatus`` on failure.
    func create(tag: Data) throws -> Key
    /// Encrypts to the key's public half; `nil` if the platform refused.
    func encrypt(with key: Key, _ plaintext: Data) -> Data?
    /// Decrypts with the key's private half; `nil` if the platform refused, for any reason.
    func decrypt(with key: Key, _ wrapped: Data) -> Data?
    /// The `OSStatus` of deleting whatever is under `tag`.
    func delete(tag: Data) -> Int32
}

/// An `OSStatus` from the Security framework, and what it means for Harbour.
public struct KeychainStatus: Error, Equatable {
    public let code: Int32
    public init(_ code: Int32) { self.code = code }

    // Values from Apple's SecBase.h, written out so this file compiles where Security does
    // not exist. KeychainPlatformKeyStore.swift checks them against the SDK's constants.
    public static let success: Int32 = 0
    public static let itemNotFound: Int32 = -25300
    /// The device is locked, or the item's accessibility does not allow use now.
    public static let interactionNotAllowed: Int32 = -25308
    public static let notAvailable: Int32 = -25291

    /// Harbour's error for a failed lookup, creation or deletion.
    public var keyError: PlatformKeyError {
        switch code {
        case Self.itemNotFound: return .NotFound
        case Self.interactionNotAllowed, Self.notAvailable: return .Unavailable
        default: return .Failed
        }
    }
}

/// A `PlatformKeyStore` over any ``KeyOperations``, keeping Harbour's contract: a key is
/// created at most once per alias, and only bytes a working key refused are `Rejected`.
public final class ContractKeyStore<Operations: KeyOperations>: PlatformKeyStore, @unchecked Sendable {
    private let operations: Operations
    // One call at a time: two first wraps must not each create a key under one alias (the
    // second would replace the key the first wrapped with). Other processes (an extension)
    // are kept apart by Harbour's vault claim, which every key creation runs under.
    private let lock = NSLock()

    public init(_ operations: Operations) { self.operations = operations }

    private func tag(_ alias: String) -> Data { Data("org.harbour.keystore.\(alias)".utf8) }

    private func existing(_ alias: String) throws -> Operations.Key? {
        switch operations.find(tag: tag(alias)) {
        case .found(let key): return key
        case .missing: return nil
        case .failed(let status): throw KeychainStatus(status).keyError
        }
    }

    public func wrap(alias: String, plaintext: Data) throws -> Data {
        lock.lock(); defer { lock.unlock() }
        let key: Operations.Key
        if let found = try existing(alias) {
            key = found
        } else {
            do {
                key = try operations.create(tag: tag(alias))
            } catch let status as KeychainStatus {
                // Creating is never "not found": a missing key is what creation is for.
                throw status.keyError == .Unavailable ? PlatformKeyError.Unavailable : .Failed
            }
        }
        guard let sealed = operations.encrypt(with: key, plaintext) else {
            throw PlatformKeyError.Failed
        }
        return sealed
    }

    public func unwrap(alias: String, wrapped: Data) throws -> Data {
        lock.lock(); defer { lock.unlock() }
        guard let key = try existing(alias) else { throw PlatformKeyError.NotFound }
        if let plain = operations.decrypt(with: key, wrapped) { return plain }
        throw keyWorks(key) ? PlatformKeyError.Rejected : .Unavailable
    }

    public func delete(alias: String) throws {
        lock.lock(); defer { lock.unlock() }
        let status = operations.delete(tag: tag(alias))
        guard status == KeychainStatus.success || status == KeychainStatus.itemNotFound else {
            throw KeychainStatus(status).keyError
        }
    }

    /// Whether `key` can decrypt right now: random bytes encrypted to it must come back.
    private func keyWorks(_ key: Operations.Key) -> Bool {
        var probe = Data((0..<16).map { _ in UInt8.random(in: 0...255) })
        defer { probe.resetBytes(in: 0..<probe.count) }
        guard let sealed = operations.encrypt(with: key, probe),
              var opened = operations.decrypt(with: key, sealed) else { return false }
        defer { opened.resetBytes(in: 0..<opened.count) }
        return opened == probe
    }
}
