import Foundation
import Testing
import TokenRedemption

/// Which redemption failures are worth trying again, and how the waits between attempts grow.
@Suite("Redemption retries")
struct RedemptionRetryTests {
    @Test func onlyFailuresThatMayPassAreRetryable() {
        for status in [500, 502, 503, 504] {
            #expect(TokenRedeemer.Failure.rejected(status: status, message: "").isRetryable, "\(status)")
        }
        for status in [400, 403, 404, 405, 413, 429] {
            #expect(!TokenRedeemer.Failure.rejected(status: status, message: "").isRetryable, "\(status)")
        }
        #expect(TokenRedeemer.Failure.unreachable("Connection refused").isRetryable)
        #expect(!TokenRedeemer.Failure.invalid("token does not have a CA").isRetryable)
    }

    @Test func waitsDoubleUpToTheMaximumAndStopAtTheDeadline() {
        let policy = RedemptionRetry.standard
        let first = Date(timeIntervalSince1970: 0)
        let waits = (1...9).map { policy.delay(afterFailures: $0, firstFailure: first, now: first) }
        #expect(waits == [1, 2, 4, 8, 16, 32, 60, 60, 60])
        // An hour after the first failure no attempt starts any more, whatever the count.
        #expect(policy.delay(afterFailures: 40, firstFailure: first, now: first.addingTimeInterval(3540)) == 60)
        #expect(policy.delay(afterFailures: 40, firstFailure: first, now: first.addingTimeInterval(3541)) == nil)
        #expect(policy.delay(afterFailures: Int.max, firstFailure: first, now: first) == 60)
        let quick = RedemptionRetry(initialDelay: 0.5, maximumDelay: 0.1, deadline: -1)
        #expect(quick.maximumDelay == 0.5 && quick.deadline == 0)
        #expect(quick.delay(afterFailures: 1, firstFailure: first, now: first) == nil)
    }
}
