import Foundation
import Logging
import ServiceLifecycle
import SiteFiles
import TestSupport
import Testing

@testable import NetworkConsole

/// The console as a person uses it: headless Chromium on a site's console, over a network of three real routers (the
/// process platform runs skupper-router 3.5.1), while sites, services and connections come and go. Each step saves a
/// screenshot under `.build/test-artifacts` (`$SKUPPER_TEST_ARTIFACTS`).
@Suite(.serialized) struct ConsolePageTests {
    @Test(.enabled(if: HeadlessBrowser.isAvailable), .timeLimit(.minutes(3)))
    func aThreeSiteNetworkSeenInTheBrowser() throws {
        let network = try TenSiteNetwork(sites: 3, report: { print("ConsolePageTests: \($0)") })
        try network.start()
        defer { network.stop() }
        var console: String?
        #expect(
            network.sites[0].eventually(timeout: 10) {
                console = AgentInfo.read(network.sites[0].layout)?.console
                return console != nil
            })
        let url = try #require(console)
        let browser = try HeadlessBrowser()
        defer { browser.close() }
        try browser.open(url)

        // The three sites and the links between them (h2 and s3 to h1, s3 to h2).
        try browser.wait("document.querySelectorAll('#sites-table tr[data-site-id]').length == 3", timeout: 20)
        try browser.wait("document.querySelectorAll('#topology .link-edge.up').length >= 3", timeout: 20)
        let sites = try browser.text("#sites")
        for name in network.names { #expect(sites.contains(name), "\(name) not on the page:\n\(sites)") }
        #expect(try browser.evaluate("document.querySelectorAll('#topology .site-node.local').length") as? Int == 1)
        #expect(try browser.text("#health").contains("running"))
        try browser.screenshot("console-three-sites.png")

        // A new listener and connector pair shows as a matched service, without a reload.
        _ = try browser.evaluate("window.__sameDocument = true")
        let port = TenSiteNetwork.distinctFreePorts(1, excluding: Set(network.listenerPorts + network.routerPorts))[0]
        try network.sites[2].write("extra-connector.yaml", ResourceYAML.connector("extra", port: network.echoes[2].port, host: "127.0.0.1"))
        try network.sites[0].write("extra-listener.yaml", ResourceYAML.listener("extra", port: port, host: "127.0.0.1"))
        let appeared = try browser.wait(
            "(() => { const row = document.querySelector('#services-table tr[data-routing-key=\"extra\"]'); return row && row.textContent.includes('yes') })()",
            timeout: 20)
        print("ConsolePageTests: the new service was on the page \(String(format: "%.1f", appeared)) s after its files were written")
        #expect(try browser.evaluate("window.__sameDocument") as? Bool == true, "the page was reloaded")
        let row = try browser.text("#services-table tr[data-routing-key=\"extra\"]")
        #expect(row.contains(network.names[0]) && row.contains(network.names[2]), "\(row)")

        // A TCP connection through the network shows with its bytes while it is open.
        var fd: Int32?
        #expect(
            network.sites[0].eventually(timeout: 20) {
                fd = connectLoopback(port: port, timeout: 2)
                guard let socket = fd else { return false }
                let payload = Array("hello console".utf8)
                _ = payload.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                var buffer = [UInt8](repeating: 0, count: 256)
                let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
                if count > 0 { return true }
                close(socket)
                fd = nil
                return false
            })
        defer { if let fd { close(fd) } }
        try browser.wait(
            "(window.consoleState.connections || []).some(c => c.routingKey == 'extra' && c.open && c.octets > 0 && c.octetsReverse > 0 && c.destSiteName)"
                + " && document.querySelectorAll('#connections-table tr[data-connection-id]').length > 0", timeout: 20)
        let connections = try browser.text("#connections")
        #expect(
            connections.contains("extra") && connections.contains("open") && connections.contains("\(network.names[0]) → \(network.names[2])"), "\(connections)"
        )
        _ = try browser.evaluate("document.querySelector('#services').scrollIntoView()")
        try browser.screenshot("console-connection.png")
        _ = try browser.evaluate("window.scrollTo(0, 0)")
        // The observer API says the same.
        let api = try PlainHTTP.get("/api/v2alpha1/connections?routingKey=extra&state=active", port: Self.port(url))
        let object = try JSONSerialization.jsonObject(with: Data(api.body.utf8)) as? [String: Any]
        let results = object?["results"] as? [[String: Any]] ?? []
        #expect(results.count == 1 && (results.first?["octetCount"] as? Int ?? 0) > 0, "\(api.body)")
        #expect(results.first?["destSiteName"] as? String != "", "\(api.body)")

        // A site that stops disappears from the page.
        let leaving = network.names[2]
        #expect(network.agents[2].stop() == 0)
        let gone = try browser.wait(
            "document.querySelectorAll('#sites-table tr[data-site-id]').length == 2 && !document.querySelector('#sites').innerText.includes('\(leaving)')",
            timeout: 30)
        print("ConsolePageTests: the stopped site left the page \(String(format: "%.1f", gone)) s after its agent stopped")
        #expect(try browser.evaluate("window.__sameDocument") as? Bool == true)
        try browser.screenshot("console-site-left.png")
    }

    static func port(_ url: String) -> Int {
        Int(url.split(separator: ":").last?.filter(\.isNumber) ?? "") ?? 0
    }
}

/// The page at the two ends of its range: one site, and a hundred (a synthetic record source fed to a real collector,
/// served by a real console server: this machine cannot run a hundred routers).
@Suite(.serialized) struct ConsolePageScaleTests {
    @Test(.enabled(if: HeadlessBrowser.isAvailable), .timeLimit(.minutes(2)), arguments: [1, 100])
    func theNetworkReadsWell(sites: Int) async throws {
        try await ConsoleServerTests.serving(sites: sites, connections: sites * 10) { port, _ in
            try await Task.detached { try Self.look(sites: sites, url: "http://localhost:\(port)/") }.value
        }
    }

    /// What a person sees of a synthetic network of `sites` at `url`.
    static func look(sites: Int, url: String) throws {
        let browser = try HeadlessBrowser()
        defer { browser.close() }
        try browser.open(url)
        try browser.wait("document.querySelectorAll('#sites-table tr[data-site-id]').length == \(sites)", timeout: 10)
        #expect(try browser.evaluate("document.querySelectorAll('#topology .site-node').length") as? Int == sites)
        // Every site but the hub links to the hub, and every site to the next one (the last one's next is the hub).
        let edges = try browser.evaluate("document.querySelectorAll('#topology .link-edge').length") as? Int ?? 0
        #expect(edges == (sites == 1 ? 0 : 2 * sites - 2), "\(edges) edges")
        #expect(try browser.evaluate("document.querySelectorAll('#services-table tr[data-routing-key]').length") as? Int == 2 * sites)
        #expect(try browser.evaluate("document.querySelectorAll('#connections-table tr[data-connection-id]').length") as? Int == min(sites * 10, 200))
        // Nothing drawn outside the picture, no text that says a value was missing.
        let outside =
            try browser.evaluate(
                """
                (() => { const svg = document.querySelector('#topology svg').viewBox.baseVal; return [...document.querySelectorAll('#topology .site-node circle')]
                  .filter(c => +c.getAttribute('cx') < 0 || +c.getAttribute('cx') > svg.width || +c.getAttribute('cy') < 0 || +c.getAttribute('cy') > svg.height).length })()
                """) as? Int
        #expect(outside == 0)
        let text = try browser.text("body")
        for word in ["undefined", "NaN", "null"] { #expect(!text.contains(word), "\(word) on the page") }
        #expect(text.contains("site-000"))
        try browser.screenshot("console-\(sites)-site\(sites == 1 ? "" : "s").png")
    }
}
