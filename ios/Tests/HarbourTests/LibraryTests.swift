import Foundation
import XCTest
import HarbourCore

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
        guard case .question(let q) = try h.triage(answers: [], age: nil) else { return XCTFail() }
        XCTAssertEqual(q.number, 1)
        XCTAssertTrue(q.text.contains("ending your life"))
        // The safety door: "not sure" counts as yes; help first, with Childline where the age fits.
        guard case .outcome(let safety) = try h.triage(answers: [.notSure], age: 15) else { return XCTFail() }
        XCTAssertEqual(safety.urgency, .call999)
        XCTAssertTrue(safety.showPlan)
        XCTAssertEqual(safety.help.options.prefix(2).map { $0.serviceId }, ["samaritans", "shout"])
        XCTAssertTrue(safety.help.options.contains { $0.serviceId == "childline" })
        XCTAssertNotNil(safety.then)
        guard case .outcome(let adult) = try h.triage(answers: [.yes], age: 30) else { return XCTFail() }
        XCTAssertFalse(adult.help.options.contains { $0.serviceId == "childline" })
        // The injury door: not sure about swallowing is A&E; nothing wrong is self-care with help.
        guard case .outcome(let o) = try h.triage(answers: [.no, .yes, .no, .no, .notSure], age: nil) else { return XCTFail() }
        XCTAssertEqual(o.urgency, .goToAe)
        guard case .outcome(let notHurt) = try h.triage(answers: [.no, .no], age: nil) else { return XCTFail() }
        XCTAssertEqual(notHurt.urgency, .support)
        XCTAssertFalse(notHurt.help.options.isEmpty)
        let allNo: [TriageAnswer] = [.no, .yes] + Array(repeating: .no, count: 12)
        guard case .outcome(let home) = try h.triage(answers: allNo, age: nil) else { return XCTFail() }
        XCTAssertEqual(home.urgency, .selfCare)
        XCTAssertFalse(home.help.options.isEmpty)
        XCTAssertEqual(try h.libraryMessage(key: "minutes", n: 1), "1 minute")
    }
}
