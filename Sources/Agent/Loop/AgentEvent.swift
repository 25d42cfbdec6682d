import FoundationEssentials
import Platforms
import Resources
import TokenRedemption

/// Everything the agent reacts to, in the one stream its loop reads: the agent's state changes only in answer to
/// one of these, one at a time.
enum AgentEvent: Sendable {
    /// The loop started: create the directories, load what earlier runs left, read every input file.
    case start
    /// The watcher saw these input files change.
    case filesChanged(Set<String>)
    /// The watcher saw the user's certificate directories change (`input/certs/<name>`, `input/issuers/<name>`).
    case credentialsChanged(Set<String>)
    /// Read the whole input directory again (the watcher lost events, or the directory was recreated).
    case rescan(reason: String)
    /// SIGHUP: read the whole input directory again and say RELOADING until it is applied.
    case hangup
    /// Input files were read and parsed (off the loop).
    case parsed(InputRead)
    /// A second passed: token retries and expiries may be due, and the router's state may be checked.
    case tick(Date)
    /// The watchdog wants proof the loop is not stuck.
    case watchdog
    /// An apply or a teardown of the router by its platform ended.
    case platformApplied(PlatformStage.Outcome)
    /// The platform was asked how the router is.
    case platformObserved(PlatformState)
    /// A round with the router's management ended: a live change applied, and what the router says.
    case routerManaged(ManagementStage.Round)
    /// The grant server counted a redemption of this grant.
    case grantRedeemed(String)
    /// Sending one of this site's AccessTokens to its grant server ended.
    case tokenRedeemed(TokenAttempt)
    /// A batch of status files written beside the loop ended.
    case statusesWritten(StatusWriter.Flushed)
    /// A write of the router configuration beside the loop ended (with why it failed, if it did).
    case routerConfigWritten(failure: String?)
}

/// Work the loop runs beside itself (a read, a redemption, a platform check), in a child task; its result comes
/// back as an event.
typealias AgentWork = @Sendable () async -> AgentEvent?

/// What handling one event asks of the loop.
struct Reaction {
    /// Work to start in child tasks.
    var work: [AgentWork] = []
    /// What to tell the service manager.
    var announcement: Announcement?

    enum Announcement: Equatable {
        /// The first input is applied (the first time: READY=1), or a reload finished.
        case ready
        /// A reload started.
        case reloading
        /// The loop answered the watchdog.
        case alive
    }

    static let none = Reaction()
}

/// One AccessToken redemption attempt and how it ended.
struct TokenAttempt: Sendable {
    var name: String
    var spec: AccessTokenSpec
    var result: Result<TokenRedeemer.Outcome, TokenRedeemer.Failure>
}
