import FoundationEssentials
import Resources
import SiteFiles

#if canImport(Glibc)
    import Glibc
#endif

/// Loads and persists the site's identity (`runtime/state/identity.json`) so ids and ports stay the same
/// across restarts and reconciles.
struct IdentityStore {
    let layout: SiteLayout

    var file: URL { layout.state.appendingPathComponent("identity.json") }

    /// The stored identity for `siteName`, created (and stored) when missing or when the site was renamed.
    func identity(siteName: String, now: Date = Date()) throws -> SiteIdentity {
        if let data = try? Data(contentsOf: file), let stored = try? JSONDecoder().decode(SiteIdentity.self, from: data) {
            if stored.routerId.hasPrefix("\(siteName)-") { return stored }
            var renamed = stored
            renamed.routerId = Self.routerId(siteName: siteName, now: now)
            try save(renamed)
            return renamed
        }
        let identity = SiteIdentity(
            siteId: UUID().uuidString.lowercased(), routerId: Self.routerId(siteName: siteName, now: now),
            localPort: PortProbe.nextFree(from: 5671), interRouterPort: PortProbe.nextFree(from: 55671),
            edgePort: PortProbe.nextFree(from: 45671), hosts: HostAddresses.current())
        try save(identity)
        return identity
    }

    func save(_ identity: SiteIdentity) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(identity), to: file, mode: 0o600)
    }

    static func routerId(siteName: String, now: Date) -> String {
        let seconds = Int(now.timeIntervalSince1970)
        let nanos = Int((now.timeIntervalSince1970 - Double(seconds)) * 1e9)
        return "\(siteName)-\(seconds)-\(nanos)"
    }
}

/// Finds free TCP ports (probing by binding, as Skupper v2 does when it picks ports).
enum PortProbe {
    static func nextFree(from port: Int) -> Int {
        var candidate = port
        while candidate < port + 100 {
            if isFree(candidate) { return candidate }
            candidate += 1
        }
        return port
    }

    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr = in_addr(s_addr: 0)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// This machine's names and addresses: default SANs for the link-access certificate.
enum HostAddresses {
    static func current() -> [String] {
        var hosts = ["localhost", "127.0.0.1"]
        var name = [CChar](repeating: 0, count: 256)
        if gethostname(&name, name.count) == 0 {
            let host = String(cString: name)
            if !host.isEmpty { hosts.append(host) }
        }
        var list: UnsafeMutablePointer<ifaddrs>?
        if getifaddrs(&list) == 0, let first = list {
            defer { freeifaddrs(list) }
            var cursor: UnsafeMutablePointer<ifaddrs>? = first
            while let entry = cursor {
                defer { cursor = entry.pointee.ifa_next }
                guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET),
                    entry.pointee.ifa_flags & UInt32(IFF_LOOPBACK) == 0
                else { continue }
                var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
                address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                    var addr = v4.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &addr, &text, socklen_t(INET_ADDRSTRLEN))
                }
                let ip = String(cString: text)
                if !hosts.contains(ip) { hosts.append(ip) }
            }
        }
        return hosts
    }
}
