/// A vanflow message as one of the connection's flow receivers took it in.
public struct FlowMessage: Sendable {
    /// The receiver's address: `mc/sfe.all` for beacons, a source's address for its records and heartbeats.
    public var address: String
    /// `BEACON`, `HEARTBEAT`, `RECORD`, ...
    public var subject: String?
    public var applicationProperties: AMQPValue
    public var body: AMQPValue

    public init(address: String, subject: String?, applicationProperties: AMQPValue, body: AMQPValue) {
        self.address = address
        self.subject = subject
        self.applicationProperties = applicationProperties
        self.body = body
    }
}

/// What the connection is asked to do for the flow records.
public enum FlowCommand: Sendable, Hashable {
    /// Open a receiver on a source's address.
    case subscribe(String)
    /// Close it.
    case unsubscribe(String)
    /// Ask a source (at its `direct` address) to send all its records again.
    case flush(String)
}

/// Who collects the routers' flow records over a management connection: called on the connection's own thread
/// (never two calls at once), it answers with what the connection must do. Credit is given back and every message
/// settled by the connection whatever the answer, so a slow or failing collector never holds up a router's senders.
public protocol FlowListener: Sendable {
    /// The connection (re)opened: the sources to subscribe to again.
    func connectionOpened(now: ContinuousClock.Instant) -> [FlowCommand]
    /// The connection closed: silence from now on is not the sources'.
    func connectionClosed(now: ContinuousClock.Instant)
    /// A message from the network.
    func received(_ message: FlowMessage, now: ContinuousClock.Instant) -> [FlowCommand]
    /// Called every `tickInterval`: sources gone silent, FLUSHes due, commands asked for from other threads.
    func tick(now: ContinuousClock.Instant) -> [FlowCommand]
    /// How soon the next tick is wanted (often while something is due soon, seldom while all is quiet).
    var tickInterval: Duration { get }
    /// A message could not be read (too large, not AMQP): said once in a while, never a crash.
    func dropped(_ why: String, address: String)
}

/// The address every router's vanflow module sends its BEACONs to.
public let flowBeaconAddress = "mc/sfe.all"
