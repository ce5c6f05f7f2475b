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

/// Waits (up to `seconds`) for `condition`, for work that finishes on Harbour's own thread.
func eventually(seconds: Double = 10, _ condition: () -> Bool) -> Bool {
    let until = Date().addingTimeInterval(seconds)
    while Date() < until {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.005)
    }
    return condition()
}
