import Foundation

/// The merchant's `per_minute` shared by all its runs on this machine: every request start
/// of every run is counted here, per tenth of a second, before the request goes out.
extension MerchantRegistry {
    /// Ticks of a tenth of a second.
    static let ticksPerSecond = 10.0
    /// A minute of ticks, plus two: a start is counted in the tick it began in, and its
    /// request reaches the server a little later, so the registry counts slightly more than
    /// a minute back; a request delayed longer than that on its way can still land in the
    /// server's next minute, which each run's own 60.5 s limiter and FREQ_LIMIT back-off cover.
    static let windowTicks = 602

    /// Takes one request start at `now` if fewer than `perMinute` were taken in the window
    /// before it; nil when taken, else the moment the oldest start in the window leaves it.
    func takeStart(now: Date, perMinute: Int) throws -> Date? {
        let db = try quotaDB
        let tick = Int((now.timeIntervalSince1970 * Self.ticksPerSecond).rounded(.down))
        return try db.transaction { () throws -> Date? in
            try db.prepare("DELETE FROM starts WHERE tick <= ?").run([.integer(tick - 2 * Self.windowTicks)])
            var taken = 0
            var oldest: Int?
            _ = try db.prepare("SELECT tick, count FROM starts WHERE tick > ? ORDER BY tick")
                .rows([.integer(tick - Self.windowTicks)]) { row in
                    if oldest == nil { oldest = row.int(0) }
                    taken += row.int(1)
                }
            guard taken < perMinute else {
                let free = (oldest ?? tick) + Self.windowTicks
                return Date(timeIntervalSince1970: Double(free) / Self.ticksPerSecond)
            }
            try db.prepare("INSERT INTO starts (tick, count) VALUES (?, 1) ON CONFLICT (tick) DO UPDATE SET count = count + 1")
                .run([.integer(tick)])
            return nil
        }
    }
}
