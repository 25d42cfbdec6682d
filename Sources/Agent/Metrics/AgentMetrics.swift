import CoreMetrics
import Platforms
import Resources

/// The agent's metrics (swift-metrics; exposed by `MetricsServer` when a Prometheus backend is bootstrapped), each
/// recorded where its data is decided: reconciles by `SiteAgent`, resources by state by the status stage, the
/// router's state by the platform stage's word, token redemptions by their outcome. Without a backend every call is
/// a no-op.
struct AgentMetrics {
    private let reconciles = Counter(label: "skupperd_reconciles_total")
    private let reconcileDuration = CoreMetrics.Timer(label: "skupperd_reconcile_duration_seconds", preferredDisplayUnit: .seconds)
    private let inputErrors = Gauge(label: "skupperd_input_errors")
    private let inputWarnings = Gauge(label: "skupperd_input_warnings")
    private var routerStates: [PlatformState.Phase: Gauge] = [:]
    private var resourceGauges: [ResourceCountKey: Gauge] = [:]
    private var lastRouterPhase: PlatformState.Phase?
    private var lastResources: [ResourceCountKey: Int] = [:]

    /// One reconcile done, and how long it took.
    func reconciled(_ duration: Duration) {
        reconciles.increment()
        reconcileDuration.recordNanoseconds(duration.wholeNanoseconds)
    }

    /// The input files rejected and the warnings they gave.
    func input(errors: Int, warnings: Int) {
        inputErrors.record(errors)
        inputWarnings.record(warnings)
    }

    /// `skupperd_router_state{state=...}`: 1 for the router's current phase, 0 for the others.
    mutating func router(_ phase: PlatformState.Phase) {
        guard phase != lastRouterPhase else { return }
        lastRouterPhase = phase
        for candidate in PlatformState.Phase.allCases {
            let gauge = routerStates[candidate] ?? Gauge(label: "skupperd_router_state", dimensions: [("state", candidate.rawValue)])
            routerStates[candidate] = gauge
            gauge.record(candidate == phase ? 1 : 0)
        }
    }

    /// `skupperd_resources{kind=...,state=...}`: how many resources of each kind have each status; a pair that
    /// went away is set to 0.
    mutating func resources(_ counts: [ResourceCountKey: Int]) {
        guard counts != lastResources else { return }
        for key in Set(counts.keys).union(lastResources.keys) where counts[key] != lastResources[key] {
            let gauge = resourceGauges[key] ?? Gauge(label: "skupperd_resources", dimensions: [("kind", key.kind), ("state", key.state)])
            resourceGauges[key] = gauge
            gauge.record(counts[key] ?? 0)
        }
        lastResources = counts
    }

    /// `skupperd_token_redemptions_total{outcome=...}`: an AccessToken's redemption attempt ended.
    func tokenRedemption(_ outcome: String) {
        Counter(label: "skupperd_token_redemptions_total", dimensions: [("outcome", outcome)]).increment()
    }
}

/// A resource kind and a status phase, as metric labels.
struct ResourceCountKey: Hashable {
    var kind: String
    var state: String
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : product &+ attoseconds / 1_000_000_000
    }
}

extension TokenAttempt {
    /// The attempt's outcome as a metric label.
    var outcome: String {
        switch result {
        case .success: "redeemed"
        case .failure(.rejected): "rejected"
        case .failure(.later): "later"
        case .failure(.unreachable): "unreachable"
        case .failure(.invalid): "invalid"
        }
    }
}
