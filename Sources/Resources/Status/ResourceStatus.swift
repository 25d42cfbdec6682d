import FoundationEssentials

/// A resource's status as Skupper v2 reports it: a phase, a message, conditions and kind-specific fields.
public struct ResourceStatus: Sendable, Hashable {
    /// The overall state written as `status.status`.
    public enum Phase: String, Sendable, Hashable, CaseIterable {
        case pending = "Pending"
        case ready = "Ready"
        case error = "Error"
    }

    /// A Kubernetes-style condition.
    public struct Condition: Sendable, Hashable {
        public var type: String
        /// "True", "False" or "Unknown".
        public var status: String
        public var reason: String
        public var message: String
        public var lastTransitionTime: Date

        public init(type: String, status: String, reason: String, message: String, lastTransitionTime: Date = Date()) {
            self.type = type
            self.status = status
            self.reason = reason
            self.message = message
            self.lastTransitionTime = lastTransitionTime
        }
    }

    public var phase: Phase
    public var message: String
    public var conditions: [Condition]
    /// Kind-specific fields written after the common ones (e.g. `hasMatchingConnector`, `url`).
    public var fields: [StatusField]

    public init(phase: Phase, message: String, conditions: [Condition] = [], fields: [StatusField] = []) {
        self.phase = phase
        self.message = message
        self.conditions = conditions
        self.fields = fields
    }

    /// A Ready status with message "OK" and a Ready=True condition.
    public static func ready(_ message: String = "OK", fields: [StatusField] = []) -> ResourceStatus {
        ResourceStatus(
            phase: .ready, message: message,
            conditions: [Condition(type: "Ready", status: "True", reason: "Ready", message: message)], fields: fields)
    }

    /// A Pending status with the reason it is waiting.
    public static func pending(_ message: String, fields: [StatusField] = []) -> ResourceStatus {
        ResourceStatus(
            phase: .pending, message: message,
            conditions: [Condition(type: "Ready", status: "False", reason: "Pending", message: message)], fields: fields)
    }

    /// An Error status with what went wrong; `reason` names it for programs (the condition's reason).
    public static func error(_ message: String, reason: String = "Error", fields: [StatusField] = []) -> ResourceStatus {
        ResourceStatus(
            phase: .error, message: message,
            conditions: [Condition(type: "Ready", status: "False", reason: reason, message: message)], fields: fields)
    }

    /// The reason of the Ready condition: what a program tests instead of the message.
    public var reason: String? { conditions.first { $0.type == "Ready" }?.reason }

    /// Looks up a kind-specific field.
    public func field(_ key: String) -> StatusValue? { fields.first { $0.key == key }?.value }

    /// Sets (or replaces) a kind-specific field.
    public mutating func set(_ key: String, _ value: StatusValue) {
        if let index = fields.firstIndex(where: { $0.key == key }) { fields[index].value = value } else { fields.append(StatusField(key, value)) }
    }

    /// Whether two statuses say the same, ignoring condition timestamps.
    public func isEquivalent(to other: ResourceStatus) -> Bool {
        guard phase == other.phase, message == other.message, fields == other.fields, conditions.count == other.conditions.count else { return false }
        return zip(conditions, other.conditions).allSatisfy {
            $0.type == $1.type && $0.status == $1.status && $0.reason == $1.reason && $0.message == $1.message
        }
    }
}
