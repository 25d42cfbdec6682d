import Foundation
import Logging
import Platforms
import Resources
import RouterEntities
import SiteFiles
import Synchronization
import TestSupport
import Testing

@testable import Agent

/// The stages that decide effects, without a process: the platform stage runs one apply or teardown at a time and
/// folds what is asked meanwhile into one request; the desired router state gives a sync only what changed.
@Suite("Effect stages: decided on the loop, run beside it")
struct EffectStagesTests {
    /// A platform that records what it is asked and answers running.
    final class RecordingPlatform: RouterPlatform, @unchecked Sendable {
        let calls = Mutex<[String]>([])
        var kind: PlatformKind { .process }
        var metadataName: String { "linux" }
        var runsRouter: Bool { true }
        func sslProfileBasePath(for layout: SiteLayout) -> String { layout.root.path }
        func apply(layout: SiteLayout, siteName: String, siteId: String, settings: [String: String], configChanged: Bool) async throws -> PlatformState {
            calls.withLock { $0.append("apply \(siteName) changed=\(configChanged)") }
            return PlatformState(.running, "running")
        }
        func teardown(layout: SiteLayout) async throws { calls.withLock { $0.append("teardown") } }
        func state(layout: SiteLayout) async -> PlatformState { PlatformState(.running, "running") }
    }

    static func stage(_ platform: RecordingPlatform) throws -> PlatformStage {
        let site = try TemporarySite()
        return PlatformStage(platform: platform, layout: site.layout, logger: Logger(label: "test"), checkInterval: 5)
    }

    static func site(_ name: String) -> TypedResource<SiteSpec> {
        TypedResource<SiteSpec>(Resource(metadata: ObjectMeta(name: name), spec: .site(SiteSpec())))!
    }

    static let identity = SiteIdentity(siteId: "id", routerId: "west-1-1")

    @Test func whatIsAskedDuringAnApplyIsFoldedIntoOneRequest() async throws {
        let platform = RecordingPlatform()
        var stage = try Self.stage(platform)
        let started = stage.apply(site: Self.site("west"), identity: Self.identity, configChanged: true, force: false)
        let first = try #require(started)
        #expect(stage.isBusy && stage.state.phase == .starting)
        // Two changes and a forced apply while the first runs: one request, its changes folded in.
        let changedAgain = stage.apply(site: Self.site("west"), identity: Self.identity, configChanged: true, force: false)
        let forced = stage.apply(site: Self.site("west"), identity: Self.identity, configChanged: false, force: true)
        #expect(changedAgain == nil && forced == nil)
        // Unhealthy only, nothing changed: the apply under way reports for itself.
        #expect(stage.queued == .apply(PlatformStage.Apply(siteName: "west", siteId: "id", settings: [:], configChanged: true)))
        // A check is not started while an effect runs.
        let check = stage.checkIfDue(now: Date().addingTimeInterval(60))
        #expect(check == nil)

        guard case .platformApplied(let outcome)? = await first() else {
            Issue.record("no outcome")
            return
        }
        let (changed, next) = stage.finished(outcome)
        #expect(changed && stage.state.phase == .running)
        let second = try #require(next, "the folded request runs next")
        #expect(stage.queued == nil && stage.isBusy)
        guard case .platformApplied(let again)? = await second() else {
            Issue.record("no outcome")
            return
        }
        let last = stage.finished(again)
        #expect(last.next == nil && !stage.isBusy)
        #expect(platform.calls.withLock { $0 } == ["apply west changed=true", "apply west changed=true"])
        // Healthy and unchanged: nothing to do.
        let unchanged = stage.apply(site: Self.site("west"), identity: Self.identity, configChanged: false, force: false)
        #expect(unchanged == nil)
    }

    @Test func aTeardownWaitsForTheApplyUnderWayAndASiteBackAfterItIsAppliedAfresh() async throws {
        let platform = RecordingPlatform()
        var stage = try Self.stage(platform)
        let applying = stage.apply(site: Self.site("west"), identity: Self.identity, configChanged: true, force: false)
        let apply = try #require(applying)
        let teardown = stage.teardown()
        #expect(teardown.removed && teardown.work == nil && stage.queued == .teardown)
        guard case .platformApplied(let applied)? = await apply() else {
            Issue.record("no outcome")
            return
        }
        // The apply's result is not the state of a site that is gone.
        let (_, next) = stage.finished(applied)
        #expect(stage.state.phase == .stopped)
        let down = try #require(next)
        // The Site back while the teardown runs: applied afresh after it, as changed.
        let backMeanwhile = stage.apply(site: Self.site("west"), identity: Self.identity, configChanged: false, force: false)
        #expect(backMeanwhile == nil)
        guard case .platformApplied(let tornDown)? = await down() else {
            Issue.record("no outcome")
            return
        }
        let afterTeardown = stage.finished(tornDown)
        let back = try #require(afterTeardown.next)
        guard case .platformApplied(let reapplied)? = await back() else {
            Issue.record("no outcome")
            return
        }
        _ = stage.finished(reapplied)
        #expect(stage.state.phase == .running)
        #expect(platform.calls.withLock { $0 } == ["apply west changed=true", "teardown", "apply west changed=true"])
    }

    @Test func theDesiredRouterGivesASyncOnlyWhatChanged() {
        var desired = DesiredRouter()
        let site = RouterConfig(entities: [
            .init("router", [("id", .string("west-1"))]),
            .init("sslProfile", [("name", .string("skupper-local"))]),
            .init("listener", [("name", .string("skupper-local-normal")), ("port", .int(5671))]),
        ])
        desired.setSite(site)
        for index in 0..<1000 {
            desired.setService(
                ResourceID(.listener, "l\(index)"),
                [.init("tcpListener", [("name", .string("listener/l\(index)")), ("address", .string("k\(index)")), ("port", .int(index))])])
        }
        #expect(desired.takeChanges().count == 1002, "the router entity is not live: only the profile, the listener and the services")
        // One service changed, one removed, the site unchanged: two entities to bring to the router.
        desired.setSite(site)
        desired.setService(
            ResourceID(.listener, "l5"), [.init("tcpListener", [("name", .string("listener/l5")), ("address", .string("k5")), ("port", .int(9))])])
        desired.setService(ResourceID(.listener, "l6"), [])
        let changes = desired.takeChanges()
        #expect(Set(changes.keys.map(\.name)) == ["listener/l5", "listener/l6"])
        #expect(changes[DesiredRouter.Key(type: "tcpListener", name: "listener/l6")] == .some(nil))
        #expect(desired.listenersByAddress["k6"] == nil && desired.listenersByAddress["k5"] == ["listener/l5"])
        #expect(desired.takeChanges().isEmpty)
    }
}
