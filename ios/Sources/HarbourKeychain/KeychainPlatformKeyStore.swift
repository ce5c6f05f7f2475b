// Harbour's platform key store on Apple platforms.
//
// Each alias gets a P-256 key generated inside the Secure Enclave (on devices that have one),
// stored in the Keychain with kSecAttrAccessibleWhenUnlockedThisDeviceOnly: it never leaves the
// device, is not included in backups, and cannot be exported. Wrapping uses ECIES
// (eciesEncryptionCofactorVariableIVX963SHA256AESGCM): the public key encrypts, and only the
// Secure Enclave can decrypt. Where no Secure Enclave exists (the simulator), the same key type
// is kept in the Keychain with the same accessibility.
//
// Only compiled where the Security framework exists; on Linux this file is empty. What each
// failure means for Harbour is decided in KeyStoreContract.swift, which is tested everywhere.

#if canImport(Security) && (os(iOS) || os(macOS))
import Foundation
import HarbourCore
import Security

/// The platform key store for iOS. Failures follow Harbour's contract (KeyStoreContract.swift):
/// a locked phone is `Unavailable`, never tampering.
public final class KeychainPlatformKeyStore: PlatformKeyStore, @unchecked Sendable {
    private let store: ContractKeyStore<SecKeyOperations>

    /// `accessGroup`: a Keychain access group shared with an app extension (a widget showing
    /// quick-access items), which then opens the same vault from the same App Group folder.
    /// Both targets need the group in their Keychain Sharing entitlement. `nil`: the app's own.
    public init(useSecureEnclave: Bool = true, accessGroup: String? = nil) {
        #if targetEnvironment(simulator)
        let enclave = false
        #else
        let enclave = useSecureEnclave
        #endif
        store = ContractKeyStore(
            SecKeyOperations(useSecureEnclave: enclave, accessGroup: accessGroup))
    }

    public func wrap(alias: String, plaintext: Data) throws -> Data {
        try store.wrap(alias: alias, plaintext: plaintext)
    }

    public func unwrap(alias: String, wrapped: Data) throws -> Data {
        try store.unwrap(alias: alias, wrapped: wrapped)
    }

    public func delete(alias: String) throws {
        try store.delete(alias: alias)
    }
}

/// The Security framework calls behind ``KeychainPlatformKeyStore``.
public struct SecKeyOperations: KeyOperations {
    let useSecureEnclave: Bool
    let accessGroup: String?
    private let algorithm: SecKeyAlgorithm = .eciesEncryptionCofactorVariableIVX963SHA256AESGCM

    init(useSecureEnclave: Bool, accessGroup: String?) {
        // KeyStoreContract.swift writes these out so that it compiles on Linux.
        assert(KeychainStatus.itemNotFound == errSecItemNotFound)
        assert(KeychainStatus.interactionNotAllowed == errSecInteractionNotAllowed)
        assert(KeychainStatus.notAvailable == errSecNotAvailable)
        self.useSecureEnclave = useSecureEnclave
        self.accessGroup = accessGroup
    }

    /// `query` with the shared access group, when there is one.
    private func scoped(_ query: [String: Any]) -> [String: Any] {
        guard let group = accessGroup else { return query }
        var q = query
        q[kSecAttrAccessGroup as String] = group
        return q
    }

    public func find(tag: Data) -> KeyLookup<SecKey> {
        let query: [String: Any] = [
            kSecClass as String: kSecClassKey,
            kSecAttrApplicationTag as String: tag,
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecReturnRef as String: true,
        ]
        var item: CFTypeRef?
        let status = SecItemCopyMatching(scoped(query) as CFDictionary, &item)
        switch status {
        case errSecSuccess: return .found(item as! SecKey)
        case errSecItemNotFound: return .missing
        default: return .failed(status)
        }
    }

    public func create(tag: Data) throws -> SecKey {
        var error: Unmanaged<CFError>?
        guard let access = SecAccessControlCreateWithFlags(
            nil, kSecAttrAccessibleWhenUnlockedThisDeviceOnly, .privateKeyUsage, &error
        ) else { throw KeychainStatus(Self.status(of: error)) }
        var attributes: [String: Any] = [
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecAttrKeySizeInBits as String: 256,
            kSecPrivateKeyAttrs as String: scoped([
                kSecAttrIsPermanent as String: true,
                kSecAttrApplicationTag as String: tag,
                kSecAttrAccessControl as String: access,
            ]),
        ]
        if useSecureEnclave {
            attributes[kSecAttrTokenID as String] = kSecAttrTokenIDSecureEnclave
        }
        guard let key = SecKeyCreateRandomKey(attributes as CFDictionary, &error) else {
            throw KeychainStatus(Self.status(of: error))
        }
        return key
    }

    public func encrypt(with key: SecKey, _ plaintext: Data) -> Data? {
        guard let publicKey = SecKeyCopyPublicKey(key),
              SecKeyIsAlgorithmSupported(publicKey, .encrypt, algorithm) else { return nil }
        // A copy this store owns, so it can be wiped after use. The Data the bindings pass in
        // is immutable and cannot be overwritten in safe Swift; Harbour wipes its own copy.
        let copy = NSMutableData(data: plaintext)
        defer { copy.resetBytes(in: NSRange(location: 0, length: copy.length)) }
        var error: Unmanaged<CFError>?
        return SecKeyCreateEncryptedData(publicKey, algorithm, copy as CFData, &error) as Data?
    }

    public func decrypt(with key: SecKey, _ wrapped: Data) -> Data? {
        var error: Unmanaged<CFError>?
        return SecKeyCreateDecryptedData(key, algorithm, wrapped as CFData, &error) as Data?
    }

    public func delete(tag: Data) -> Int32 {
        let query: [String: Any] = [
            kSecClass as String: kSecClassKey,
            kSecAttrApplicationTag as String: tag,
        ]
        return SecItemDelete(scoped(query) as CFDictionary)
    }

    /// The OSStatus inside a Security CFError (its code, in NSOSStatusErrorDomain).
    private static func status(of error: Unmanaged<CFError>?) -> Int32 {
        guard let error = error?.takeRetainedValue() else { return -1 }
        return Int32(truncatingIfNeeded: CFErrorGetCode(error))
    }
}
#endif
