import Foundation
import XCTest
import HarbourCore

/// The guided moment, the toolbox and private check-ins through the generated Swift.
final class CopingTests: XCTestCase {
    let pin = Data("482915".utf8)
    var dir: URL!

    override func setUp() {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
    }

    func open(_ ks: PlatformKeyStore) throws -> Harbour {
        try Harbour.open(
            config: HarbourConfig(dataDir: dir.path, locale: "en-GB", kdf: .testingOnly), keystore: ks)
    }

    let query = HelpQuery(at: nil, age: 15, area: nil, channels: [], topics: [], forProfessionals: false)

    func testAMomentNeedsNoUnlockAndWorseLeadsTo999AndTheFirstDoor() throws {
        let h = try open(TableTestKeyStore())
        XCTAssertEqual(try h.copingFeelings().count, 7)
        let m = try h.copingMoment(feeling: .overwhelmed)
        XCTAssertFalse(m.ideas.isEmpty)
        XCTAssertTrue(m.ideas.allSatisfy { $0.feelings.contains(.overwhelmed) })
        XCTAssertGreaterThan(m.breathing.breatheOutSeconds, m.breathing.breatheInSeconds)
        XCTAssertEqual(m.answers.map(\.answer), [.better, .same, .worseOrNotSafe])

        guard case let .getHelp(_, help, firstDoor, firstAid) = try h.afterMoment(
            feeling: .overwhelmed, answer: .worseOrNotSafe, tried: [], query: query)
        else { return XCTFail("worse must lead to help") }
        XCTAssertEqual(help.emergency.first?.contact, "999")
        XCTAssertTrue(help.options.contains { $0.open == .alwaysOpen })
        XCTAssertEqual(firstDoor.number, 1)
        XCTAssertFalse(firstAid.isEmpty)
        guard case let .tryAnother(_, ideas, _, _) = try h.afterMoment(
            feeling: .overwhelmed, answer: .same, tried: m.ideas.map(\.id), query: query)
        else { return XCTFail("the same offers another idea") }
        XCTAssertTrue(ideas.allSatisfy { idea in !m.ideas.contains { $0.id == idea.id } })
    }

    func testTheToolboxShapesTheMomentAndItsOwnIdeasStayPrivate() async throws {
        let ks = TableTestKeyStore()
        let h = try open(ks)
        try await h.createVault(secret: pin)
        _ = try h.setIdeaFavourite(id: "strong-taste", favourite: true)
        _ = try h.setIdeaHidden(id: "cold-water", hidden: true)
        let box = try h.addOwnIdea(text: "Hold my cat Biscuit", feelings: [.numb], minutes: 5, addToPlan: true)
        let mine = try XCTUnwrap(box.ideas.first { $0.own })
        XCTAssertEqual(try h.plan().sections[1].items.map(\.text), ["Hold my cat Biscuit"])
        let ideas = try h.copingMoment(feeling: .numb).ideas.map(\.id)
        XCTAssertEqual(ideas.first, "strong-taste")
        XCTAssertFalse(ideas.contains("cold-water"))
        XCTAssertEqual(try h.moveIdea(id: mine.id, to: 0).ideas.first?.id, mine.id)
        XCTAssertThrowsError(try h.addOwnIdea(text: "x", feelings: [], minutes: 7, addToPlan: false)) {
            guard case .InvalidInput = $0 as? HarbourError else { return XCTFail("\($0)") }
        }
        try h.lock()
        XCTAssertFalse(try open(ks).copingMoment(feeling: .numb).ideas.contains { $0.own })
    }

    func testCheckInsArePrivateAndRankedWithoutCounts() async throws {
        let ks = TableTestKeyStore()
        let h = try open(ks)
        try await h.createVault(secret: pin)
        XCTAssertEqual(try h.strengthLabels().count, 5)
        let first = try h.addCheckin(feeling: .angryOrRestless, strength: 4, before: "after the group chat", tried: [
            TriedThing(what: "Ripped paper", idea: "rip-paper", helped: .yes),
            TriedThing(what: "TV", idea: nil, helped: .no),
        ])
        _ = try h.addCheckin(feeling: nil, strength: 2, before: nil, tried: [
            TriedThing(what: "Rip up paper", idea: "rip-paper", helped: .aLittle)
        ])
        let count = try await h.listCheckins().checkins.count
        XCTAssertEqual(count, 2)
        // Both check-ins may share a millisecond, so which wording is newest is not fixed here.
        let helped = try await h.whatHasHelped().map(\.idea)
        XCTAssertEqual(helped, ["rip-paper"])
        XCTAssertThrowsError(try h.addCheckin(feeling: nil, strength: 0, before: nil, tried: []))

        _ = try h.setCheckinQuickAccess(id: first.id, quickAccess: true)
        try h.lock()
        XCTAssertEqual(try open(ks).quickAccess().checkins.map(\.before), ["after the group chat"])
        let locked = await assertThrowsAsync { _ = try await h.listCheckins() }
        XCTAssertEqual(locked as? HarbourError, .Locked)
    }
}
