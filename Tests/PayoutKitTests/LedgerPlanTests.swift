@testable import PayoutKit
import Testing

/// The run's start reads a million-row ledger in well under a second only while SQLite plans
/// its queries as intended; a reworded condition would silently fall back to a full scan.
@Suite struct LedgerPlanTests {
    @Test func carriedItemsAreFoundThroughThePartialIndex() async throws {
        try await ReportLedger.with(amounts: [100, 200, 300]) { fixture in
            let plan = try SQLiteConnection(path: fixture.path).prepare("EXPLAIN QUERY PLAN \(Ledger.carriedItems)")
                .rows { $0.text(3) ?? "" }
            #expect(plan.contains { $0.contains("USING INDEX items_open") }, "\(plan)")
        }
    }
}
