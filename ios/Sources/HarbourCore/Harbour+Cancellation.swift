import Foundation

// Hand-written, beside the generated HarbourCore.swift.
//
// uniffi's generated Swift (0.32) awaits a Rust call to its end even when the calling task is
// cancelled: cancellation is not passed to Rust. Kotlin's generated code does pass it. For
// most calls that is harmless (each is one transaction, finished whole), but an unlock that
// nobody waits for any more must not leave the vault open. This uses Harbour's own rule
// instead: `lock()` wins over an unlock still deriving its key.

extension Harbour {
    /// `unlock(secret:)` that honours task cancellation: a cancelled task locks the vault, the
    /// unlock in flight then throws `HarbourError.Locked`, and the vault stays locked.
    public func unlockUnlessCancelled(secret: Data) async throws {
        try await withTaskCancellationHandler {
            try Task.checkCancellation()
            try await unlock(secret: secret)
            // Cancelled just as the unlock finished: nobody is there to see it.
            if Task.isCancelled {
                try? lock()
                throw CancellationError()
            }
        } onCancel: {
            try? self.lock()
        }
    }
}
