import Foundation
import XCTest

/// `XCTAssertThrowsError` for `async` calls: returns the error, or fails the test if none came.
func assertThrowsAsync(
    _ body: () async throws -> Void, file: StaticString = #filePath, line: UInt = #line
) async -> Error? {
    do {
        try await body()
        XCTFail("nothing was thrown", file: file, line: line)
        return nil
    } catch {
        return error
    }
}
