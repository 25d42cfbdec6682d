/// What the console shows of the agent itself: its site, its router's state, its resources' states and the input it
/// refused. The agent sets it as its statuses change; the console never reads the agent's files.
public struct AgentOverview: Sendable, Hashable {
    public struct Resource: Sendable, Hashable {
        public var kind: String
        public var name: String
        public var status: String
        public var message: String

        public init(kind: String, name: String, status: String, message: String) {
            self.kind = kind
            self.name = name
            self.status = status
            self.message = message
        }
    }

    public struct InputError: Sendable, Hashable {
        public var file: String
        public var message: String

        public init(file: String, message: String) {
            self.file = file
            self.message = message
        }
    }

    public var namespace = ""
    public var siteName = ""
    public var siteId = ""
    public var platform = ""
    public var version = ""
    public var ready = false
    public var routerState = "unknown"
    public var routerMessage = ""
    public var resources: [Resource] = []
    public var inputErrors: [InputError] = []

    public init() {}
}
