import Foundation
import XCTest
import HarbourCore
import HarbourKeychain

final class DataDirectoryTests: XCTestCase {
    /// The folder is made once, owner-only, and a vault opens in it. (On Linux the backup
    /// exclusion flag does not exist; on iOS `prepare` sets it.)
    func testTheDataFolderIsOwnerOnlyAndReusable() async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        defer { try? FileManager.default.removeItem(at: base) }
        let folder = try HarbourDataDirectory.prepare(in: base)
        XCTAssertEqual(folder.lastPathComponent, "Harbour")
        let mode = try FileManager.default.attributesOfItem(atPath: folder.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode.map { $0 & 0o077 }, 0)
        XCTAssertEqual(try HarbourDataDirectory.prepare(in: base), folder)
        let h = try Harbour.open(
            config: HarbourConfig(dataDir: folder.path, locale: "en-GB", kdf: .testingOnly),
            keystore: TableTestKeyStore())
        try await h.createVault(secret: Data("482915".utf8))
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("harbour.sqlite3").path))
    }
}
