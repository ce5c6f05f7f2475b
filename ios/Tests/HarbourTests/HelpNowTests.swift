import Foundation
import XCTest
import HarbourCore

/// Help now through the generated Swift: no vault, no unlock, no network.
final class HelpNowTests: XCTestCase {
    // Saturday 21 November 2026, 03:00 in London (GMT).
    let threeAm = Date(timeIntervalSince1970: 1_795_230_000)

    func open() throws -> Harbour {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        return try Harbour.open(
            config: HarbourConfig(dataDir: dir.path, locale: "en-GB", kdf: .testingOnly),
            keystore: TableTestKeyStore())
    }

    func testAFifteenYearOldInTorbayAtThreeInTheMorningByText() throws {
        let h = try open()
        let a = try h.helpNow(query: HelpQuery(
            at: threeAm, age: 15, area: "Torbay", channels: [.text], topics: [], forProfessionals: false))
        XCTAssertEqual(a.emergency.first?.contact, "999")
        XCTAssertEqual(a.areaCodes, ["E06000027"])
        XCTAssertEqual(a.options.first?.how, "Text SHOUT to 85258")
        XCTAssertEqual(a.options.first?.open, .alwaysOpen)
        XCTAssertTrue(a.options.allSatisfy { $0.channel == .text })
        XCTAssertEqual(try h.vaultState(), .noVault)
    }

    /// Postcodes, from the ONS data in the bundled pack: a full one, and a split district.
    func testAPostcodeFindsTheCouncilAndASplitDistrictSaysSo() throws {
        let h = try open()
        func ask(_ area: String) throws -> HelpNow {
            try h.helpNow(query: HelpQuery(
                at: threeAm, age: 15, area: area, channels: [], topics: [], forProfessionals: false))
        }
        XCTAssertEqual(try ask("TQ1 1AA").areaCodes, ["E06000027"])
        let tq3 = try ask("tq3")
        XCTAssertEqual(tq3.areaCodes, ["E06000027", "E10000008"])
        XCTAssertTrue(tq3.notes.contains { $0.contains("TQ3 is split") })
        let belfast = try ask("BT1 1AA")
        XCTAssertFalse(belfast.areaFound)
        XCTAssertTrue(try h.directoryAttribution().contains { $0.contains("Open Government Licence") })
    }

    /// A whole postcode gives one council; a town finds its council; nonsense is typed.
    func testAWholePostcodeATownAndNonsense() throws {
        let h = try open()
        func byPostcode(_ p: String) throws -> HelpNow {
            try h.helpNow(query: HelpQuery(
                at: threeAm, age: 15, area: nil, channels: [], topics: [],
                forProfessionals: false, postcode: p))
        }
        // The South Hams side of TQ3 is Devon's (postcodes from the pinned ONS data).
        XCTAssertEqual(try byPostcode("TQ3 1BR").areaCodes, ["E10000008"])
        XCTAssertEqual(try byPostcode("tq31aa").areaCodes, ["E06000027"])
        let leeds = try byPostcode("LS1 1AA")
        XCTAssertEqual(leeds.areaStatus, .noLocalServices)
        XCTAssertEqual(leeds.areaName, "Leeds")
        XCTAssertFalse(leeds.options.isEmpty)
        XCTAssertEqual(try byPostcode("ZZ9 9ZZ").areaStatus, .unknownPostcode)
        XCTAssertThrowsError(try byPostcode("not a postcode")) { error in
            guard case HarbourError.NotAPostcode = error else {
                return XCTFail("\(error)")
            }
        }
        let torquay = try h.helpNow(query: HelpQuery(
            at: threeAm, age: 15, area: "Torquay", channels: [], topics: [], forProfessionals: false))
        XCTAssertEqual(torquay.areaStatus, .found)
        XCTAssertEqual(torquay.areaCodes, ["E06000027"])
    }

    /// The signposting sheet for workers and schools: self-contained, for a listed area only.
    func testASignpostingSheetForAnAreaIsSelfContained() throws {
        let h = try open()
        let sheet = try h.signpostingSheet(area: "TQ1 1AA")
        XCTAssertTrue(sheet.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(sheet.contains("Where to find help: Torbay"))
        XCTAssertTrue(sheet.contains("Call 999"))
        XCTAssertFalse(sheet.contains("<script"))
        XCTAssertThrowsError(try h.signpostingSheet(area: "Atlantis")) { error in
            guard case .InvalidInput = error as? HarbourError else {
                return XCTFail("not InvalidInput: \(error)")
            }
        }
    }

    func testNeverEmpty() throws {
        let h = try open()
        for area in [nil, "Kent", "Nowhere", "TQ1"] as [String?] {
            let a = try h.helpNow(query: HelpQuery(
                at: threeAm, age: 40, area: area, channels: [.email], topics: [], forProfessionals: false))
            XCTAssertFalse(a.options.isEmpty)
            XCTAssertTrue(a.options.contains { $0.open == .alwaysOpen && $0.live })
        }
    }

    func testDefunctServiceAndBadPack() async throws {
        let h = try open()
        let defunct = try h.service(id: "glos-self-harm-helpline", at: threeAm)
        XCTAssertFalse(defunct.active)
        XCTAssertTrue(defunct.options.isEmpty)
        let refused = await assertThrowsAsync {
            _ = try await h.installDirectoryPack(pack: Data("{}".utf8), signature: Data())
        }
        guard case .PackRejected = refused as? HarbourError else { return XCTFail("\(String(describing: refused))") }
        let info = try h.directoryInfo()
        XCTAssertEqual(info.dataVersion, 3)
        XCTAssertGreaterThan(info.expiresAt, info.builtAt)
    }
}
