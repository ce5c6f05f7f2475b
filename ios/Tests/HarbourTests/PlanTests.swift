import Foundation
import XCTest
@testable import Harbour

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

    func testQuickAccessAndPrivateSections() throws {
        let ks = TableTestKeyStore()
        let h = try open(ks)
        try h.createVault(secret: pin)
        _ = try h.addPlanItem(section: .peopleToAsk, text: "Sam", contact: "by text", serviceId: nil)
        _ = try h.addPlanItem(section: .warningSigns, text: "PRIVATE", contact: nil, serviceId: nil)
        _ = try h.setPlanQuickAccess(section: .peopleToAsk, quickAccess: true)
        try h.lock()
        let quick = try open(ks).quickAccess()
        XCTAssertEqual(quick.sections.map(\.section), [.peopleToAsk])
    }

    func testSupportedSessionHidesNotes() throws {
        let h = try open(TableTestKeyStore())
        try h.createVault(secret: pin)
        _ = try h.addNote(text: "private", tags: [])
        let first = try h.beginSupportedSession()
        XCTAssertEqual(first.section, .warningSigns)
        XCTAssertThrowsError(try h.listNotes().notes) { XCTAssertEqual($0 as? HarbourError, .SessionActive) }
        XCTAssertThrowsError(try h.endSupportedSession(secret: Data("000001".utf8)))
        try h.endSupportedSession(secret: pin)
        XCTAssertEqual(try h.listNotes().notes.count, 1)
    }

    func testShareIsSelfContained() throws {
        let h = try open(TableTestKeyStore())
        try h.createVault(secret: pin)
        _ = try h.addPlanItem(section: .onMyOwn, text: "Music <b>loud</b>", contact: nil, serviceId: nil)
        let html = try h.sharePlan(options: ShareOptions(
            sections: [.onMyOwn], format: .html, title: nil, includeAppName: false))
        XCTAssertTrue(html.contains("Music &lt;b&gt;loud&lt;/b&gt;"))
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.lowercased().contains("harbour"))
    }
}
