import NIOConcurrencyHelpers

/// A value behind a lock, for state read on every request and replaced rarely (the plugin set).
final class LockedBox<Value: Sendable>: Sendable {
    private let box: NIOLockedValueBox<Value>
    init(_ value: Value) { box = NIOLockedValueBox(value) }
    var value: Value {
        get { box.withLockedValue { $0 } }
        set { box.withLockedValue { $0 = newValue } }
    }
    /// Reads or changes the value in place, under the lock.
    func withValue<R>(_ body: (inout Value) throws -> R) rethrows -> R { try box.withLockedValue(body) }
}
