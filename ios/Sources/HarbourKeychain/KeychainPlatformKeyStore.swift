// Harbour's platform key store on Apple platforms.
//
// Each alias gets a P-256 key generated inside the Secure Enclave (on devices that have one),
// stored in the Keychain with kSecAttrAccessibleWhenUnlockedThisDeviceOnly: it never leaves the
// device, is not included in backups, and cannot be exported. Wrapping uses ECIES
// (eciesEncryptionCofactorVariableIVX963SHA256AESGCM): the public key encrypts, and only the
// Secure Enclave can decrypt. Where no Secure Enclave exists (the simulator), the same key type
// is kept in the Keychain with the same accessibility.
//
// Only compiled where the Security framework exists; on Linux this file is empty.

#if canImport(Security) && (os(iOS) || os(macOS))
import Foundation
import HarbourCore
import Security

public final class KeychainPlatformKeyStore: PlatformKeyStore {
    private let useSecureEnclave: Bool
    private let algorithm: SecKeyAlgorithm = .eciesEncryptionCofactorVariableIVX963SHA256AESGCM
    private let lock = NSLock()

    public init(useSecureEnclave: Bool = true) {
        #if targetEnvironment(simulator)
        self.useSecureEnclave = false
        #else
        self.useSecureEnclave = useSecureEnclave
        #endif
    }

    private func tag(_ alias: String) -> Data { Data("org.harbour.keystore.\(alias)".utf8) }

    private func existingKey(_ alias: String) throws -> SecKey? {
        let query: [String: Any] = [
            kSecClass as String: kSecClassKey,
            kSecAttrApplicationTag as String: tag(alias),
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecReturnRef as String: true,
        ]
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        switch status {
        case errSecSuccess: return (item as! SecKey)
        case errSecItemNotFound: return nil
        case errSecInteractionNotAllowed: throw PlatformKeyError.Unavailable
        default: throw PlatformKeyError.Failed
        }
    }

    private func createKey(_ alias: String) throws -> SecKey {
        var error: Unmanaged<CFError>?
        guard let access = SecAccessControlCreateWithFlags(
            nil, kSecAttrAccessibleWhenUnlockedThisDeviceOnly, .privateKeyUsage, &error
        ) else { throw PlatformKeyError.Failed }
        var attributes: [String: Any] = [
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecAttrKeySizeInBits as String: 256,
            kSecPrivateKeyAttrs as String: [
                kSecAttrIsPermanent as String: true,
                kSecAttrApplicationTag as String: tag(alias),
                kSecAttrAccessControl as String: access,
            ] as [String: Any],
        ]
        if useSecureEnclave {
            attributes[kSecAttrTokenID as String] = kSecAttrTokenIDSecureEnclave
        }
        guard let key = SecKeyCreateRandomKey(attributes as CFDictionary, &error) else {
            throw PlatformKeyError.Failed
        }
        return key
    }

    public func wrap(alias: String, plaintext: Data) throws -> Data {
        lock.lock(); defer { lock.unlock() }
        let key = try existingKey(alias) ?? createKey(alias)
        guard let publicKey = SecKeyCopyPublicKey(key),
              SecKeyIsAlgorithmSupported(publicKey, .encrypt, algorithm) else {
            throw PlatformKeyError.Failed
        }
        var error: Unmanaged<CFError>?
        guard let sealed = SecKeyCreateEncryptedData(publicKey, algorithm, plaintext as CFData, &error) else {
            throw PlatformKeyError.Failed
        }
        return sealed as Data
    }

    public func unwrap(alias: String, wrapped: Data) throws -> Data {
        lock.lock(); defer { lock.unlock() }
        guard let key = try existingKey(alias) else { throw PlatformKeyError.NotFound }
        var error: Unmanaged<CFError>?
        guard let plain = SecKeyCreateDecryptedData(key, algorithm, wrapped as CFData, &error) else {
            // ECIES with AES-GCM fails authentication on any changed byte.
            throw PlatformKeyError.Rejected
        }
        return plain as Data
    }

    public func delete(alias: String) throws {
        lock.lock(); defer { lock.unlock() }
        let query: [String: Any] = [
            kSecClass as String: kSecClassKey,
            kSecAttrApplicationTag as String: tag(alias),
        ]
        let status = SecItemDelete(query as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw PlatformKeyError.Failed
        }
    }
}
#endif
