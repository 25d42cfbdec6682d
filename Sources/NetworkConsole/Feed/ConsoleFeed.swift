import FlowRecords
import Synchronization

/// Where the console reads from: the agent's flow collector (replaced whenever the agent connects to a new router)
/// and the agent's overview. Shared between the agent, which sets them, and the console's connections, which read.
public final class ConsoleFeed: Sendable {
    private struct State {
        var collector: FlowCollector?
        var overview = AgentOverview()
        var overviewVersion: UInt64 = 0
        /// Moves on with every collector, so a new one's versions never repeat an old one's.
        var collectorGeneration: UInt64 = 0
        var url: String?
    }

    private let state = Mutex(State())

    public init() {}

    /// The collector now following the network (nil while no router is managed).
    public func follow(_ collector: FlowCollector?) {
        state.withLock {
            $0.collector = collector
            $0.collectorGeneration &+= 1
        }
    }

    /// Where the console listens, once it does (`http://127.0.0.1:8010/`): the agent writes it into `agent.yaml`.
    public var url: String? { state.withLock { $0.url } }

    func listening(at url: String) { state.withLock { $0.url = url } }

    /// The agent's overview changed.
    public func update(_ overview: AgentOverview) {
        state.withLock {
            guard $0.overview != overview else { return }
            $0.overview = overview
            $0.overviewVersion &+= 1
        }
    }

    /// What the console shows as of one moment.
    struct Reading {
        var snapshot: FlowSnapshot
        var overview: AgentOverview
        /// Changes whenever any of it does.
        var version: String
        /// Changes whenever the records (not the connections) do.
        var recordsVersion: String
    }

    /// Everything the console shows, as of now.
    func read() -> Reading {
        let (collector, overview, overviewVersion, generation) = state.withLock { ($0.collector, $0.overview, $0.overviewVersion, $0.collectorGeneration) }
        let snapshot = collector?.snapshot ?? FlowSnapshot()
        return Reading(
            snapshot: snapshot, overview: overview, version: "\(generation).\(snapshot.version).\(snapshot.connectionsVersion).\(overviewVersion)",
            recordsVersion: "\(generation).\(snapshot.version)")
    }
}
