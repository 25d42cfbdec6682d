import Metrics
import Prometheus

/// The agent's metrics registry: swift-metrics bootstrapped with a Prometheus backend (once per process), read by the
/// metrics server and the console's `/metrics`.
public final class MetricsExport: Sendable {
    let registry: PrometheusCollectorRegistry

    private init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    /// Bootstraps swift-metrics with a Prometheus registry; call once per process.
    public static func bootstrap() -> MetricsExport {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return MetricsExport(registry: registry)
    }

    /// The agent's metrics in Prometheus' text format.
    public func text() -> String { String(decoding: registry.emitToBuffer(), as: UTF8.self) }
}
