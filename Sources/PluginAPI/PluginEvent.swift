/// Something that happened in one plugin that others may react to, e.g. `agreements.completed`.
public struct PluginEvent: Sendable, Hashable {
    /// `<plugin id>.<what happened>`.
    public var name: String
    /// The record it is about, if any.
    public var recordID: String?
    /// Details.
    public var payload: JSONValue

    /// An event about `recordID`, with details in `payload`.
    public init(name: String, recordID: String? = nil, payload: JSONValue = .null) {
        self.name = name
        self.recordID = recordID
        self.payload = payload
    }
}

/// A declared event: plugins list what they emit so the host can check every hook has a source.
public struct EventSpec: Sendable, Hashable {
    /// `<plugin id>.<what happened>`.
    public var name: String
    /// What it means.
    public var summary: LocalizedText
    /// Declares an event by its full name.
    public init(name: String, summary: LocalizedText) {
        self.name = name
        self.summary = summary
    }
}

/// A reaction to an event. It runs inside the write transaction of the change that emitted the
/// event, synchronously: what it writes commits or aborts with that change.
public struct EventHook: Sendable {
    /// The event's name.
    public var event: String
    /// The reaction.
    public var handler: @Sendable (PluginEvent, any PluginTransaction) throws -> Void

    /// A reaction to the event named `event`.
    public init(event: String, handler: @escaping @Sendable (PluginEvent, any PluginTransaction) throws -> Void) {
        self.event = event
        self.handler = handler
    }
}
