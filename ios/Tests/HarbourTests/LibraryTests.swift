import Foundation
import XCTest
@testable import Harbour

/// The first-aid library and triage through the generated Swift: no unlock needed.
final class LibraryTests: XCTestCase {
    func open() throws -> Harbour {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        return try Harbour.open(
            config: HarbourConfig(dataDir: dir.path, locale: "en-GB", kdf: .testingOnly),
            keystore: TableTestKeyStore())
    }

    func testCardsAreHonestAboutClinicalReview() throws {
        let h = try open()
        let cards = try h.cards(filter: CardFilter(kind: .firstAid, topic: nil, audience: nil))
        XCTAssertTrue(cards.contains { $0.id == "burns" })
        XCTAssertFalse(cards.contains { $0.clinicallyReviewed })
        XCTAssertTrue(try h.card(id: "scars").needsClinicalContent)
    }

    func testTriage() throws {
        let h = try open()
        guard case .question(let q) = try h.triage(answers: []) else { return XCTFail() }
        XCTAssertEqual(q.number, 1)
        guard case .outcome(let o) = try h.triage(answers: [false, true]) else { return XCTFail() }
        XCTAssertEqual(o.urgency, .goToAe)
        guard case .outcome(let home) = try h.triage(answers: Array(repeating: false, count: 8)) else { return XCTFail() }
        XCTAssertEqual(home.urgency, .selfCare)
        XCTAssertEqual(try h.libraryMessage(key: "minutes", n: 1), "1 minute")
    }
}
