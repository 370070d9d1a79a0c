import Foundation
@testable import PayoutKit

/// The merchant registry's rules in memory: numbers of one site and day are handed out once,
/// an openid's admitted items of a day stay within the caps, and request starts of every run
/// together stay within `perMinute` in any minute.
actor InMemoryMerchant: RunMerchant {
    private var lastSerial: [String: Int] = [:]
    private var charges: [String: [(item: Int, amount: Amount)]] = [:]
    private(set) var starts: [Date] = []

    func billNumbers(_ count: Int, site: Int, now: Date) -> [BillNumber] {
        let day = BeijingTime.dateStamp(now)
        let first = lastSerial["\(day)/\(site)", default: 0] + 1
        lastSerial["\(day)/\(site)"] = first + count - 1
        return (first..<first + count).map { BillNumber(mchID: "10000098", dateStamp: day, site: site, serial: $0) }
    }

    func admit(_ candidates: [UnclaimedItem], now: Date, caps: DailyCaps) -> [UnclaimedItem] {
        let day = BeijingTime.dateStamp(now)
        return candidates.filter { item in
            let key = day + "/" + item.openid
            let today = charges[key, default: []]
            if today.contains(where: { $0.item == item.id }) { return true }
            guard today.count + 1 <= caps.count, today.reduce(item.amount.fen, { $0 + $1.amount.fen }) <= caps.amount.fen else {
                return false
            }
            charges[key, default: []].append((item.id, item.amount))
            return true
        }
    }

    func takeStart(now: Date, perMinute: Int) -> Date? {
        let window = starts.filter { $0 > now.addingTimeInterval(-60) }
        guard window.count < perMinute else { return window[0].addingTimeInterval(60) }
        starts.append(now)
        return nil
    }
}
