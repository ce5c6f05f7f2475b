// Where Harbour keeps its data on iOS: a folder of its own, readable by this user only, and
// kept out of iCloud and Finder backups. The vault's keys are Keychain items that never leave
// the phone (ThisDeviceOnly), so a backup restored to another phone would bring a vault that
// cannot be opened there (VaultState.keysMissing); people move their notes and plan with
// Harbour's own backup file instead.

import Foundation

public enum HarbourDataDirectory {
    /// The folder's name inside `base`.
    public static let name = "Harbour"

    /// Creates `base/Harbour` if needed (owner-only), marks it excluded from backups, and
    /// returns it. Pass Application Support, or an App Group container so that a widget or
    /// extension opens the same vault (see docs/INTEGRATING.md, "Extensions and widgets").
    public static func prepare(in base: URL) throws -> URL {
        var folder = base.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        #if os(iOS) || os(macOS)
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try folder.setResourceValues(values)
        #endif
        return folder
    }

    #if os(iOS)
    /// `Application Support/Harbour`, or the same inside the App Group container `appGroup`.
    public static func standard(appGroup: String? = nil) throws -> URL {
        let base: URL
        if let group = appGroup {
            guard let container = FileManager.default.containerURL(
                forSecurityApplicationGroupIdentifier: group) else {
                throw CocoaError(.fileNoSuchFile)
            }
            base = container.appendingPathComponent("Library/Application Support", isDirectory: true)
        } else {
            base = try FileManager.default.url(
                for: .applicationSupportDirectory, in: .userDomainMask,
                appropriateFor: nil, create: true)
        }
        return try prepare(in: base)
    }
    #endif
}
