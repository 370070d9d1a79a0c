import PayoutKit

/// How a reissue's selection reads before anything changes: by err_code with count and
/// amount, what stays and why, and the budget.
enum ReissueText {
    static func plan(_ plan: ReissuePlan, campaign: String) -> String {
        let total = plan.total
        var lines = ["reissue \(campaign): \(total.count) items to pay again under new bill numbers, \(total.amount) yuan"]
        if !plan.groups.isEmpty {
            lines.append("  why                 count    amount (yuan)")
            for group in plan.groups {
                lines.append("  " + group.label.padded(to: 16) + String(group.count).paddedLeft(to: 9)
                    + group.amount.description.paddedLeft(to: 17))
            }
        }
        if !plan.excluded.isEmpty {
            lines.append("not reissued:")
            for group in plan.excluded {
                lines.append("  \(group.count) items, \(group.amount) yuan: \(group.label)")
            }
        }
        if let budget = plan.budget {
            lines.append("budget: \(budget) yuan; paid and to be paid: \(plan.committed) yuan now, \(plan.committedAfter) yuan after the reissue")
        }
        return lines.joined(separator: "\n")
    }

    static func noTerminal(_ plan: ReissuePlan) -> String {
        "payout reissue: no terminal to confirm on, and no --yes: nothing changed. "
            + "Pass --yes to reissue these \(plan.total.count) items, or --dry-run to only list them."
    }
}
