import TextSupport

/// A Site's `settings.router-logging` in Skupper v2's form: comma-separated items, each `MODULE:level` or a bare
/// `level` (for every module, the router's DEFAULT), e.g. `ROUTER_CORE:debug,TCP_ADAPTOR:trace` or `debug`. Each
/// module gets one router `log` entity enabling its level and above (`debug+`), as v2 renders them; a module
/// named twice takes its last level. Without the setting the router logs ROUTER_CORE errors, as v2's default.
public struct RouterLogging: Sendable, Hashable {
    /// One router `log` entity.
    public struct Entry: Sendable, Hashable {
        /// The router's log module (`DEFAULT` for a bare level).
        public var module: String
        /// The entity's `enable`: the level and above, in the router's levels.
        public var enable: String
    }

    /// The entities, DEFAULT first, then by module name.
    public private(set) var entries: [Entry]

    /// The Site setting.
    public static let setting = "router-logging"

    /// What the router logs when the setting is absent.
    public static let standard = RouterLogging(entries: [Entry(module: "ROUTER_CORE", enable: "error+")])

    /// skupper-router 3.5.1's log modules (its schema's `log.module`); Skupper v2's list is the older subset of
    /// these plus AUTHSERVICE, a module the router no longer has and would refuse.
    public static let modules = [
        "ROUTER", "ROUTER_CORE", "ROUTER_HELLO", "ROUTER_LS", "ROUTER_MA", "MESSAGE", "SERVER", "AGENT", "CONTAINER",
        "ERROR", "POLICY", "HTTP", "CONN_MGR", "PYTHON", "PROTOCOL", "TCP_ADAPTOR", "HTTP_ADAPTOR", "FLOW_LOG",
        "ADDRESS_WATCH", "HTTP1_OBSERVER", "HTTP2_OBSERVER", "HTTP2_DECODER", "DEFAULT",
    ]

    /// Skupper v2's levels, each with the router level it enables from. skupper-router 3.5.1 has neither a trace nor
    /// a notice level: it reads `trace` as `debug` itself (for backward compatibility) but refuses `notice+` at
    /// start-up, and as no router message is at notice, `notice+` is its `warning+`.
    public static let levels: [(name: String, router: String)] = [
        ("trace", "debug"), ("debug", "debug"), ("info", "info"), ("notice", "warning"),
        ("warning", "warning"), ("error", "error"), ("critical", "critical"),
    ]

    init(entries: [Entry]) { self.entries = entries }

    /// Parses the setting's value; an empty value means the default.
    public init(parsing text: String) throws(RouterLoggingError) {
        guard !text.allSatisfy(\.isWhitespace) else {
            self = .standard
            return
        }
        var byModule: [String: String] = [:]
        for (index, rawItem) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let item = rawItem.trimmingWhitespace()
            func failure(_ message: String) -> RouterLoggingError {
                RouterLoggingError(item: index + 1, text: item, message: message)
            }
            guard !item.isEmpty else { throw failure("it is empty: expected MODULE:level or a level") }
            let parts = item.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
            guard parts.count <= 2 else { throw failure("it has more than one ':': expected MODULE:level or a level") }
            let module = parts.count == 2 ? parts[0] : "DEFAULT"
            let level = parts[parts.count - 1]
            guard Self.modules.contains(module) else {
                let hint = Self.modules.first { $0 == module.uppercased() }.map { " (did you mean \($0)?)" } ?? ""
                throw failure(
                    "\"\(module)\" is not a router log module\(hint): use one of \(Self.modules.joined(separator: ", ")), or a bare level for all modules")
            }
            let name = level.hasSuffix("+") ? String(level.dropLast()) : level
            guard let routerLevel = Self.levels.first(where: { $0.name == name })?.router else {
                let hint = Self.levels.first { $0.name == name.lowercased() }.map { " (did you mean \($0.name)?)" } ?? ""
                throw failure("\"\(level)\" is not a log level\(hint): use one of \(Self.levels.map(\.name).joined(separator: ", ")) (a trailing + is allowed)")
            }
            byModule[module] = routerLevel + "+"
        }
        entries = byModule.sorted { ($0.key == "DEFAULT" ? 0 : 1, $0.key) < ($1.key == "DEFAULT" ? 0 : 1, $1.key) }
            .map { Entry(module: $0.key, enable: $0.value) }
    }
}

/// Why a `router-logging` value cannot be used: which item, and what is wrong with it.
public struct RouterLoggingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The item's position (1-based) among the comma-separated ones.
    public var item: Int
    public var text: String
    public var message: String

    public var description: String { "item \(item) (\"\(text)\"): \(message)" }
}

private extension Substring {
    func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
