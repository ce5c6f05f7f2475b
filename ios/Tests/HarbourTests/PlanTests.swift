import Foundation
import XCTest
import HarbourCore

/// The safety plan, the supported session and sharing through the generated Swift.
final class PlanTests: XCTestCase {
    let pin = Data("482915".utf8)
    var dir: URL!

    override func setUp() {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    }

    func open(_ ks: PlatformKeyStore) throws -> Harbour {
        try Harbour.open(
            config: HarbourConfig(dataDir: dir.path, locale: "en-GB", kdf: .testingOnly), keystore: ks)
    }

    func testQuickAccessAndPrivateSections() async throws {
        let ks = TableTestKeyStore()
        let h = try open(ks)
        try await h.createVault(secret: pin)
        _ = try h.addPlanItem(section: .peopleToAsk, text: "Sam", contact: "by text", serviceId: nil)
        _ = try h.addPlanItem(section: .warningSigns, text: "PRIVATE", contact: nil, serviceId: nil)
        _ = try h.setPlanQuickAccess(section: .peopleToAsk, quickAccess: true)
        try h.lock()
        let quick = try open(ks).quickAccess()
        XCTAssertEqual(quick.sections.map(\.section), [.peopleToAsk])
    }

    func testSupportedSessionHidesNotes() async throws {
        let h = try open(TableTestKeyStore())
        try await h.createVault(secret: pin)
        _ = try h.addNote(text: "private", tags: [])
        let first = try h.beginSupportedSession()
        XCTAssertEqual(first.section, .warningSigns)
        XCTAssertEqual(first.total, 8)
        let hidden = await assertThrowsAsync { _ = try await h.listNotes() }
        XCTAssertEqual(hidden as? HarbourError, .SessionActive)
        let wrong = await assertThrowsAsync { try await h.endSupportedSession(secret: Data("000001".utf8)) }
        guard case .WrongSecret = wrong as? HarbourError else { return XCTFail("\(String(describing: wrong))") }
        try await h.endSupportedSession(secret: pin)
        let count = try await h.listNotes().notes.count
        XCTAssertEqual(count, 1)
    }

    func testShareIsSelfContained() async throws {
        let h = try open(TableTestKeyStore())
        try await h.createVault(secret: pin)
        _ = try h.addPlanItem(section: .onMyOwn, text: "Music <b>loud</b>", contact: nil, serviceId: nil)
        let html = try h.sharePlan(options: ShareOptions(
            sections: [.onMyOwn], format: .html, title: nil, includeAppName: false))
        XCTAssertTrue(html.contains("Music &lt;b&gt;loud&lt;/b&gt;"))
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.lowercased().contains("harbour"))
    }
}
