import Foundation
import Resources
import SiteFiles
import TestSupport
import Testing

/// `skupper network status`: the network read from the agent's ConfigMap-skupper-network-status.yaml.
@Suite("skupper network status")
struct NetworkStatusTests {
    static let westId = "0b6e6c6e-5c38-4b48-9d1a-2b1b5ad0a001"
    static let eastId = "7c2d9a41-0f5e-4d7b-8a39-6f0c1e2ba002"
    static let southId = "e4a8b3f2-9d61-4c0e-b7a5-3d2f8c4da003"

    /// Three sites: west (this one) links to east, east to south, south to west (down); `backend` has a listener on
    /// west and connectors on east and south; `db` has only a listener on west.
    static func threeSites(westName: String = "west-1700000000-123456789", listenerName: String = "listener/backend") -> [String: Any] {
        [
            "addresses": [
                ["name": "backend", "startTime": 0, "endTime": 0, "protocol": "tcp", "listenerCount": 1, "connectorCount": 2],
                ["name": "db", "startTime": 0, "endTime": 0, "protocol": "tcp", "listenerCount": 1, "connectorCount": 0],
            ],
            "siteStatus": [
                site(
                    westId, name: westName, namespace: "default", platform: "linux", version: "2.1.0", router: "0/west-1700000000-123456789",
                    access: "west-ra", links: [["name": "link-east", "linkCost": 1, "status": "up", "role": "inter-router", "peer": "east-ra"]],
                    listeners: [
                        ["name": listenerName, "destHost": "0.0.0.0", "destPort": "8080", "protocol": "tcp", "address": "backend"],
                        ["name": "listener/db", "destHost": "0.0.0.0", "destPort": "5432", "protocol": "tcp", "address": "db"],
                    ]),
                site(
                    eastId, name: "east-1700000001-1", namespace: "default", platform: "podman", version: "2.1.0", router: "0/east-1700000001-1",
                    access: "east-ra", links: [["name": "link-south", "linkCost": 2, "status": "up", "role": "inter-router", "peer": "south-ra"]],
                    connectors: [["destHost": "10.0.0.5", "destPort": "8080", "address": "backend"]]),
                site(
                    southId, name: "south", namespace: "south-ns", platform: "kubernetes", version: "2.0.1", router: "0/south-skupper-router-7d9f",
                    access: "south-ra", links: [["name": "link-west", "status": "down", "role": "inter-router", "peer": "west-ra"]],
                    connectors: [["destHost": "backend.south-ns", "destPort": "9090", "address": "backend"]]),
            ],
        ]
    }

    static func site(
        _ id: String, name: String, namespace: String, platform: String, version: String, router: String, access: String,
        links: [[String: Any]], listeners: [[String: Any]] = [], connectors: [[String: Any]] = []
    ) -> [String: Any] {
        [
            "site": ["identity": id, "name": name, "namespace": namespace, "platform": platform, "siteVersion": version],
            "routerStatus": [
                [
                    "router": ["name": router, "mode": "interior", "imageName": "skupper-router", "imageVersion": "3.5.1", "hostname": "host-\(platform)"],
                    "links": links, "routerAccess": [["identity": access]], "listeners": listeners, "connectors": connectors,
                ]
            ],
        ]
    }

    /// The ConfigMap's path in the site's runtime/resources.
    static func file(_ site: TemporarySite) -> URL { site.layout.status.appendingPathComponent("ConfigMap-skupper-network-status.yaml") }

    /// Writes the ConfigMap as the agent does: `NetworkStatus` a YAML double-quoted scalar holding the JSON.
    static func writeNetworkStatus(_ site: TemporarySite, json: Any) throws {
        let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .withoutEscapingSlashes])
        try writeConfigMap(site, networkStatus: String(decoding: data, as: UTF8.self))
    }

    static func writeConfigMap(_ site: TemporarySite, networkStatus: String) throws {
        try writeFile(
            site,
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: skupper-network-status\n  namespace: default\ndata:\n  NetworkStatus: \(yamlQuoted(networkStatus))\n"
        )
    }

    static func writeFile(_ site: TemporarySite, _ text: String) throws {
        try FileManager.default.createDirectory(at: site.layout.status, withIntermediateDirectories: true)
        try text.write(to: file(site), atomically: true, encoding: .utf8)
    }

    /// A YAML double-quoted scalar, control characters as `\x` escapes (as the agent's writer quotes).
    static func yamlQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                    out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else if scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += scalar.value == 0x2028 ? "\\L" : "\\P"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// This site's Site (west) with the status the agent writes, its uid the site id.
    static func writeLocalSite(_ site: TemporarySite) throws {
        try site.write("Site-west.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: west\n")
        try FileManager.default.createDirectory(at: site.layout.status, withIntermediateDirectories: true)
        let status = StatusDocument(
            id: ResourceID(.site, "west"), namespace: "default", status: ResourceStatus(phase: .ready, message: "OK"), uid: westId)
        try status.yaml().write(to: site.layout.statusFile(status.id), atomically: true, encoding: .utf8)
    }

    @Test func threeSitesWithLinksAndServices() throws {
        let site = try TemporarySite()
        let lock = try AgentLock.acquire(site.layout)
        defer { withExtendedLifetime(lock) {} }
        try Self.writeLocalSite(site)
        try Self.writeNetworkStatus(site, json: Self.threeSites())
        let result = try site.skupper("network", "status")
        #expect(result.status == 0, "\(result)")
        #expect(
            result.stdout == """
                Sites:
                NAME    ID                                     NAMESPACE   PLATFORM     VERSION   LOCATION
                west    0b6e6c6e-5c38-4b48-9d1a-2b1b5ad0a001   default     linux        2.1.0     local
                east    7c2d9a41-0f5e-4d7b-8a39-6f0c1e2ba002   default     podman       2.1.0     remote
                south   e4a8b3f2-9d61-4c0e-b7a5-3d2f8c4da003   south-ns    kubernetes   2.0.1     remote

                Links:
                FROM    TO      NAME         STATUS   COST
                west    east    link-east    up       1
                east    south   link-south   up       2
                south   west    link-west    down     -

                Services exposed through Skupper:
                ROUTING-KEY   PROTOCOL   LISTENERS        CONNECTORS                                            MATCHED
                backend       tcp        backend (west)   10.0.0.5:8080 (east), backend.south-ns:9090 (south)   true
                db            tcp        db (west)        -                                                     false

                """, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")

        // --verbose adds the routers and the links' roles.
        let verbose = try site.skupper("network", "status", "--verbose")
        #expect(verbose.status == 0, "\(verbose)")
        #expect(verbose.stdout.contains("Routers:\nSITE    NAME                        MODE       HOSTNAME"), "\(verbose)")
        #expect(verbose.stdout.contains("west    west-1700000000-123456789   interior   host-linux        skupper-router   3.5.1"), "\(verbose)")
        #expect(verbose.stdout.contains("FROM    TO      NAME         STATUS   COST   ROLE\n"), "\(verbose)")

        // --site: that site, the links from and to it, its services (with all their listeners and connectors).
        let east = try site.skupper("network", "status", "--site", "east")
        #expect(east.status == 0, "\(east)")
        #expect(east.stdout.contains("east   7c2d9a41-0f5e-4d7b-8a39-6f0c1e2ba002"), "\(east)")
        #expect(!east.stdout.contains("e4a8b3f2-9d61-4c0e-b7a5-3d2f8c4da003") && !east.stdout.contains("db "), "\(east)")
        #expect(east.stdout.contains("west   east    link-east") && east.stdout.contains("east   south   link-south"), "\(east)")
        #expect(!east.stdout.contains("link-west"), "\(east)")
        #expect(east.stdout.contains("backend (west)   10.0.0.5:8080 (east), backend.south-ns:9090 (south)"), "\(east)")
        let none = try site.skupper("network", "status", "-s", "north")
        #expect(none.status == 1 && none.stderr.hasPrefix("Error: there is no site named \"north\" in the network status"), "\(none)")

        // -o json: v2's site records.
        let json = try site.skupper("network", "status", "-o", "json")
        #expect(json.status == 0, "\(json)")
        let records = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]], "\(json)")
        #expect(records.map { $0["name"] as? String } == ["west", "east", "south"])
        let westLinks = try #require(records[0]["links"] as? [[String: Any]])
        #expect(westLinks.count == 1 && westLinks[0]["remoteSiteName"] as? String == "east" && westLinks[0]["operational"] as? Bool == true)
        let southLinks = try #require(records[2]["links"] as? [[String: Any]])
        #expect(southLinks[0]["remoteSiteId"] as? String == Self.westId && southLinks[0]["operational"] as? Bool == false)
        let westServices = try #require(records[0]["services"] as? [[String: Any]])
        #expect(westServices.map { $0["routingKey"] as? String } == ["backend", "db"])
        #expect(westServices[0]["listeners"] as? [String] == ["backend"] && westServices[0]["connectors"] == nil)
        #expect((records[1]["services"] as? [[String: Any]])?.first?["connectors"] as? [String] == ["10.0.0.5"])
        let yaml = try site.skupper("network", "status", "-o", "yaml")
        #expect(yaml.status == 0 && yaml.stdout.hasPrefix("- id: \(Self.westId)\n  name: west\n"), "\(yaml)")
    }

    @Test func missingFile() throws {
        let site = try TemporarySite()
        // No agent: that is what the user needs to know first.
        var result = try site.skupper("network", "status")
        #expect(result.status == 1, "\(result)")
        #expect(
            result.stderr.hasPrefix(
                "Error: The network status is not available: the agent is not running for namespace \"default\" (\(site.layout.root.path))\nStart it: "),
            "\(result)")
        #expect(result.stdout.isEmpty)

        // The agent runs, but has written no network status yet.
        let lock = try AgentLock.acquire(site.layout)
        defer { withExtendedLifetime(lock) {} }
        result = try site.skupper("network", "status")
        #expect(result.status == 1, "\(result)")
        #expect(
            result.stderr == """
                Error: The network status is not available yet: is the site running? (no \(Self.file(site).path))
                See the site's status: skupper site status --config-dir \(site.layout.root.path)

                """, "\(result)")
        #expect(result.stdout.isEmpty)

        // A network status without sites: the agent has not heard its router yet.
        try Self.writeNetworkStatus(site, json: ["addresses": [Any](), "siteStatus": [Any]()])
        result = try site.skupper("network", "status")
        #expect(result.status == 0 && result.stdout == "Status pending...\n", "\(result)")
    }

    @Test(arguments: [
        ("kind: ConfigMap\ndata: [unclosed\n", "it is not YAML"),
        ("- just\n- a list\n", "it is not a ConfigMap (a YAML mapping)"),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: skupper-network-status\n", "it has no data.NetworkStatus"),
        ("kind: ConfigMap\ndata:\n  NetworkStatus:\n    siteStatus: []\n", "data.NetworkStatus is not a string"),
        ("kind: ConfigMap\ndata:\n  NetworkStatus: '{\"siteStatus\": [ {\"site\": '\n", "data.NetworkStatus: not valid JSON"),
        ("kind: ConfigMap\ndata:\n  NetworkStatus: 'null'\n", "data.NetworkStatus: expected an object"),
        (
            "kind: ConfigMap\ndata:\n  NetworkStatus: '{\"siteStatus\": [{\"site\": {\"name\": 5}}]}'\n",
            "data.NetworkStatus: siteStatus[0].site.name: expected a string"
        ),
        ("kind: ConfigMap\ndata:\n  NetworkStatus: '{\"siteStatus\": {}}'\n", "data.NetworkStatus: siteStatus: expected an array"),
    ])
    func malformedFile(text: String, reason: String) throws {
        let site = try TemporarySite()
        let lock = try AgentLock.acquire(site.layout)
        defer { withExtendedLifetime(lock) {} }
        try Self.writeFile(site, text)
        let result = try site.skupper("network", "status")
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        let prefix = "Error: the network status in \(Self.file(site).path) is not valid: \(reason)"
        #expect(result.stderr.hasPrefix(prefix), "\(result)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result)")
    }

    @Test func hostileNamesArePrintedSafely() throws {
        let site = try TemporarySite()
        let lock = try AgentLock.acquire(site.layout)
        defer { withExtendedLifetime(lock) {} }
        try Self.writeLocalSite(site)
        let hostile = "evil\u{1b}[31mred\nINJECTED\u{9b}2J\u{202e}txt\u{7}"
        try Self.writeNetworkStatus(site, json: Self.threeSites(westName: hostile, listenerName: "listener/\u{1b}]0;title\u{7}back"))
        for arguments in [
            ["network", "status"], ["network", "status", "--verbose"], ["network", "status", "-o", "json"], ["network", "status", "-o", "yaml"],
        ] {
            let result = try SkupperCLI.run(arguments, site: site)
            #expect(result.status == 0, "\(result)")
            let unsafe = result.stdout.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || $0.value == 0x202E }
            #expect(unsafe.isEmpty, "\(arguments): \(unsafe.map { String($0.value, radix: 16) })")
            #expect(!result.stdout.split(separator: "\n").contains { $0.hasPrefix("INJECTED") }, "\(result)")
        }
        let result = try site.skupper("network", "status")
        #expect(result.stdout.contains("evil\\x1b[31mred\\nINJECTED\\x9b2J\\u{202e}txt\\x07   \(Self.westId)"), "\(result)")
        #expect(result.stdout.contains("\\x1b]0;title\\x07back (evil\\x1b[31mred"), "\(result)")
        #expect(result.stdout.contains("evil\\x1b[31mred\\nINJECTED\\x9b2J\\u{202e}txt\\x07   link-west    down"), "\(result)")
        // The records keep the name itself (escaped by JSON, not changed).
        let json = try site.skupper("network", "status", "-o", "json")
        let records = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]], "\(json)")
        #expect(records[0]["name"] as? String == hostile)
    }
}
