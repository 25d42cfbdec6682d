import Foundation
import Grants
import Logging
import Platforms
import Resources
import TestSupport
import Testing

@testable import Agent

/// The agent core without its process: the stages, the access controller and the handler, driven event by event.
@Suite("Agent core: stages, access, events")
struct AgentCoreTests {
    static var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    /// A handler on a temporary site with the render-only platform and a grant server on a free loopback port.
    static func agent(_ site: TemporarySite, grants: Bool = true) -> SiteAgent {
        let options = AgentOptions(
            layout: site.layout,
            grantServer: GrantServerOptions(
                enabled: grants, bindHost: "127.0.0.1", port: freePort(),
                advertisedHost: "127.0.0.1"))
        let (server, ledger) = AgentService.grantServer(options, logger: logger)
        return SiteAgent(options: options, platform: RenderOnlyPlatform(), grantServer: server, ledger: ledger, logger: logger)
    }

    /// Handles `event` and then, one after another, the events its work produces (as the loop would, but in order).
    @discardableResult
    static func settle(_ agent: SiteAgent, _ event: AgentEvent) async throws -> [Reaction.Announcement] {
        var pending = [event]
        var announcements: [Reaction.Announcement] = []
        while !pending.isEmpty {
            let reaction = try await agent.handle(pending.removeFirst())
            if let announcement = reaction.announcement { announcements.append(announcement) }
            for work in reaction.work { if let next = await work() { pending.append(next) } }
        }
        return announcements
    }

    // MARK: Input

    @Test func aLaterReadOfAFileWinsOverAnEarlierOneThatFinishesAfterIt() async throws {
        let site = try TemporarySite()
        var input = InputStage(layout: site.layout, logger: Self.logger)
        try site.write("l.yaml", ResourceYAML.listener("first", port: 9001))
        let earlyRead = input.read(changed: ["l.yaml"])
        let early = try #require(earlyRead)
        let parsedEarly = try #require(await early.parse(in: site.layout.inputResources))
        try site.write("l.yaml", ResourceYAML.listener("second", port: 9002))
        let lateRead = input.read(changed: ["l.yaml"])
        let late = try #require(lateRead)
        let parsedLate = try #require(await late.parse(in: site.layout.inputResources))

        let appliedLate = input.apply(parsedLate)
        #expect(appliedLate.added == [ResourceID(.listener, "second")])
        let appliedEarly = input.apply(parsedEarly)
        #expect(appliedEarly.isEmpty, "the earlier read must not undo the later one")
        #expect(input.store.one(ListenerSpec.self, named: "second")?.spec.port == 9002)
        #expect(input.store.one(ListenerSpec.self, named: "first") == nil)
    }

    @Test func filesThatAreNotResourceFilesAreNotRead() throws {
        let site = try TemporarySite()
        var input = InputStage(layout: site.layout, logger: Self.logger)
        let none = input.read(changed: [".l.yaml.swp", "notes.txt"])
        let one = input.read(changed: ["a.yaml", "notes.txt"])
        #expect(none == nil)
        #expect(one?.names == ["a.yaml"])
    }

    // MARK: Plan

    @Test func aListenerChangeTouchesOnlyItAndItsConnectorNotTheSite() async throws {
        let site = try TemporarySite()
        try site.layout.createDirectories()
        var input = InputStage(layout: site.layout, logger: Self.logger)
        try site.write("site.yaml", Fixtures.site)
        try site.write("c.yaml", ResourceYAML.connector("db", port: 5432))
        try site.write("other.yaml", ResourceYAML.connector("web", port: 8080))
        let renderer = RouterConfigRendererFixture.renderer(site.layout)
        var planner = PlanStage(layout: site.layout, renderer: renderer)
        let all = input.readAll(reason: "test")
        let first = try #require(await all.parse(in: site.layout.inputResources))
        let firstChange = input.apply(first)
        let full = try planner.update(firstChange, full: true, store: input.store)
        #expect(full.siteWide && full.site?.name == "west" && !full.identity.siteId.isEmpty)

        try site.write("l.yaml", ResourceYAML.listener("db", port: 15432))
        let changedRead = input.read(changed: ["l.yaml"])
        let changed = try #require(changedRead)
        let read = try #require(await changed.parse(in: site.layout.inputResources))
        let change = input.apply(read)
        let update = try planner.update(change, full: false, store: input.store)
        #expect(!update.siteWide)
        #expect(update.identity == full.identity, "the identity is kept")
        #expect(update.affected == [ResourceID(.listener, "db"), ResourceID(.connector, "db")])
        #expect(planner.plan.services.hasListener(routingKey: "db") && planner.plan.services.hasConnector(routingKey: "db"))
    }

    @Test func anUnknownFieldIsAWarningInInputErrorsAndTheSiteStatusWhileTheResourceApplies() async throws {
        let site = try TemporarySite()
        let agent = Self.agent(site, grants: false)
        try site.write("site.yaml", Fixtures.site)
        try site.write("l.yaml", ResourceYAML.listener("backend", port: 9090) + "\n  tlsCredential: typo\n")
        try await Self.settle(agent, .start)
        #expect(site.status(.listener, "backend")?.status.phase == .ready)
        let errors = try String(contentsOf: site.layout.status.appendingPathComponent("input-errors.yaml"), encoding: .utf8)
        #expect(errors.contains("input/resources/l.yaml: document 1, line 9: spec.tlsCredential: unknown field (ignored)"), "\(errors)")
        let siteStatus = try #require(site.status(.site, "west")?.status)
        #expect(siteStatus.phase == .ready)
        #expect(
            siteStatus.message == "OK (render-only platform: no router runs, 1 input warning: see runtime/resources/input-errors.yaml)", "\(siteStatus.message)"
        )
    }

    // MARK: Access

    @Test func grantsOfASiteWithoutLinkAccessSaySoWithAReasonProgramsCanTest() async throws {
        let site = try TemporarySite()
        let agent = Self.agent(site)
        try site.write("site.yaml", "apiVersion: skupper.io/v2alpha1\nkind: Site\nmetadata:\n  name: west\n")
        try site.write("grant.yaml", Fixtures.grant("g"))
        try await Self.settle(agent, .start)
        let status = try #require(site.status(.accessGrant, "g")?.status)
        #expect(status.phase == .error)
        #expect(AccessGrantStatusView(status).linkAccessDisabled)
        #expect(!agent.access.server.isRunning)
    }

    @Test func theGrantServerListensOnlyWhileThereIsAGrantToServe() async throws {
        let site = try TemporarySite()
        let agent = Self.agent(site)
        try site.write("site.yaml", Fixtures.site)
        try await Self.settle(agent, .start)
        #expect(!agent.access.server.isRunning, "link access alone does not open the grant port")
        try site.write("grant.yaml", Fixtures.grant("g"))
        try await Self.settle(agent, .filesChanged(["grant.yaml"]))
        #expect(agent.access.server.isRunning)
        #expect(site.status(.accessGrant, "g")?.status.phase == .ready)
        try site.remove("grant.yaml")
        try await Self.settle(agent, .filesChanged(["grant.yaml"]))
        #expect(!agent.access.server.isRunning, "the last grant gone, the port is closed")
    }

    @Test func aTakenDefaultPortMovesTheGrantServerToTheNextFreeOne() async throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("gs-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentials = try CertificatesFixture.serverCredentials()
        let first = GrantServer(host: "127.0.0.1", port: 0, ledger: GrantLedger(directory: directory), logger: Self.logger)
        try await first.start(credentials: credentials)
        let taken = try #require(first.boundPort)
        let second = GrantServer(host: "127.0.0.1", port: taken, portSearch: 5, ledger: GrantLedger(directory: directory), logger: Self.logger)
        try await second.start(credentials: credentials)
        #expect(second.boundPort.map { $0 > taken && $0 <= taken + 5 } == true, "\(String(describing: second.boundPort))")
        let explicit = GrantServer(host: "127.0.0.1", port: taken, ledger: GrantLedger(directory: directory), logger: Self.logger)
        await #expect(throws: (any Error).self, "an explicit port that is taken is an error") { try await explicit.start(credentials: credentials) }
        await first.stop()
        await second.stop()
    }

    @Test func aRedemptionRewritesOnlyTheStatusOfItsGrant() async throws {
        let site = try TemporarySite()
        let agent = Self.agent(site)
        try site.write("site.yaml", Fixtures.site)
        try site.write("grant.yaml", Fixtures.grant("g", allowed: 2))
        try site.write("other.yaml", Fixtures.grant("h"))
        try await Self.settle(agent, .start)
        let server = agent.access.server
        defer { Task { await server.stop() } }
        let grant = try #require(site.status(.accessGrant, "g")?.status)
        #expect(grant.phase == .ready, "\(grant.message)")
        let view = AccessGrantStatusView(grant)
        let token = try #require(view.token)
        #expect(token.url.hasPrefix("https://127.0.0.1:\(agent.access.server.boundPort ?? -1)/"))
        let otherFile = site.layout.statusFile(ResourceID(.accessGrant, "h"))
        let otherBefore = try FileManager.default.attributesOfItem(atPath: otherFile.path)[.modificationDate] as? Date
        let countBefore = agent.reconcileCount

        let uid = String(token.url.split(separator: "/").last!)
        guard case .success = await agent.access.ledger.redeem(key: uid, code: Array(token.code.utf8)) else {
            Issue.record("redemption refused")
            return
        }
        try await Self.settle(agent, .grantRedeemed("g"))
        #expect(site.status(.accessGrant, "g")?.status.field(StatusKey.redemptions) == .int(1))
        #expect(agent.reconcileCount == countBefore, "a redemption is not a reconcile")
        let otherAfter = try FileManager.default.attributesOfItem(atPath: otherFile.path)[.modificationDate] as? Date
        #expect(otherBefore == otherAfter, "the other grant's status is not rewritten")
    }

    @Test func aTokenNamedLikeASiteCredentialIsRefusedWithoutBeingSent() async throws {
        let site = try TemporarySite()
        let agent = Self.agent(site)
        try site.write("site.yaml", Fixtures.site)
        try site.write(
            "token.yaml",
            """
            apiVersion: skupper.io/v2alpha1
            kind: AccessToken
            metadata:
              name: skupper-site-ca
            spec:
              url: https://127.0.0.1:1/x
              code: abc
              ca: "-----BEGIN CERTIFICATE-----"
            """)
        try await Self.settle(agent, .start)
        let status = try #require(site.status(.accessToken, "skupper-site-ca")?.status)
        #expect(status.phase == .error)
        #expect(status.message.contains("this site's own credentials"))
        #expect(agent.access.tokens["skupper-site-ca"]?.attempts == 1)
    }

    // MARK: Events

    @Test func theFirstReadAndEachReloadAnnounceReady() async throws {
        let site = try TemporarySite()
        let agent = Self.agent(site, grants: false)
        try site.write("site.yaml", Fixtures.site)
        #expect(try await Self.settle(agent, .start) == [.ready])
        #expect(try await Self.settle(agent, .filesChanged(["site.yaml"])).isEmpty)
        #expect(try await Self.settle(agent, .hangup) == [.reloading, .ready])
        #expect(try await Self.settle(agent, .watchdog) == [.alive])
        #expect(agent.summary().hasPrefix("Site west"))
    }

    @Test func ticksBeforeTheFirstReadDoNothing() async throws {
        let site = try TemporarySite()
        let agent = Self.agent(site, grants: false)
        let reaction = try await agent.handle(.tick(Date()))
        #expect(reaction.work.isEmpty && reaction.announcement == nil)
        #expect(agent.reconcileCount == 0)
    }

    @Test func theRouterIsCheckedOffTheLoopAndOnlyWhenDue() async throws {
        let site = try TemporarySite()
        let agent = Self.agent(site, grants: false)
        try site.write("site.yaml", Fixtures.site)
        try await Self.settle(agent, .start)
        // The apply just said how the router is: the first check is due an interval after it.
        let applied = Date()
        #expect(try await agent.handle(.tick(applied)).work.isEmpty)
        let now = applied.addingTimeInterval(agent.options.platformCheckInterval)
        let first = try await agent.handle(.tick(now))
        try #require(first.work.count == 1, "a check is due an interval after the apply")
        let second = try await agent.handle(.tick(now.addingTimeInterval(1)))
        #expect(second.work.isEmpty, "not again while one is under way, nor before the interval")
        let observed = try #require(await first.work[0]())
        let count = agent.reconcileCount
        _ = try await agent.handle(observed)
        #expect(agent.reconcileCount == count, "an unchanged, healthy router is not applied again")
    }

    // MARK: Grant server

    @Test func theGrantServerStopsListeningWhenItsServiceIsCancelled() async throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("gs-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = GrantServer(host: "127.0.0.1", port: 0, ledger: GrantLedger(directory: directory), logger: Self.logger)
        let ca = try CertificatesFixture.serverCredentials()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            try await server.start(credentials: ca)
            #expect(server.isRunning)
            group.cancelAll()
            try await group.waitForAll()
        }
        #expect(!server.isRunning)
    }
}
