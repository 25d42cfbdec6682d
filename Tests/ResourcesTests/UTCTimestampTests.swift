import Foundation
import HostSupport
import TestSupport
import Testing

/// Timestamps written and read without ICU must be what Foundation's ISO 8601 style writes and reads.
@Suite("UTC timestamps")
struct UTCTimestampTests {
    private let style = Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt)

    @Test func formatsAsFoundationDoes() {
        var random = SplitMix64(seed: 5)
        var dates = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400),  // 2000-02-29
            Date(timeIntervalSince1970: 1_798_761_599.9), Date(timeIntervalSince1970: -1), Date(timeIntervalSince1970: 4_107_542_400),
        ]
        for _ in 0..<2000 { dates.append(Date(timeIntervalSince1970: Double(random.next() % 8_000_000_000) - 1_000_000_000 + 0.75)) }
        for date in dates {
            #expect(UTCTimestamp.string(date) == date.formatted(style), "\(date.timeIntervalSince1970)")
            let text = UTCTimestamp.string(date)
            #expect(UTCTimestamp.date(text) == (try? Date(text, strategy: style)), "\(text)")
        }
    }

    @Test func readsOtherFormsAsFoundationDoes() {
        let texts = [
            "2026-12-04T07:40:00Z", "2024-02-29T23:59:59Z", "2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
            "2026-12-04T24:00:00Z", "2026-12-04T07:40:60Z", "2026-12-04T07:40:00+02:00", "2026-12-04T07:40:00.5Z",
            "2026-12-04 07:40:00Z", "2026-12-04T07:40:00z", "", "garbage", "20261204T074000Z", "2026-1a-04T07:40:00Z",
        ]
        for text in texts {
            #expect(UTCTimestamp.date(text) == (try? Date(text, strategy: style)), "\(text)")
        }
    }

    @Test func datesNoCalendarCanHoldFallBackWithoutATrap() {
        for date in [Date.distantFuture, Date.distantPast, Date(timeIntervalSince1970: .infinity), Date(timeIntervalSince1970: 1e15)] {
            _ = UTCTimestamp.string(date)
        }
    }
}
