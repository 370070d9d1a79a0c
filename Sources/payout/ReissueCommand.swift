import ArgumentParser
import Foundation
import PayoutKit

struct ReissueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reissue",
        abstract: "Give items proven unpaid new bill numbers, for the next run to pay: failed items, and refunded packets with --refunded."
    )

    @OptionGroup var options: CampaignOptions
    @Option(help: "Only failed items with these err_codes, comma-separated (e.g. SEND_FAILED,EXPIRED).") var codes: String?
    @Flag(help: "Also pay again the packets that were refunded unclaimed (a marketing decision: never the default).")
    var refunded = false
    @Flag(name: .customLong("dry-run"), help: "Only print the selection; change nothing.") var dryRun = false
    @Flag(help: "Reissue without asking (required without a terminal).") var yes = false

    func validate() throws {
        if let codes {
            do {
                _ = try ReissueSelection.codes(parsing: codes)
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    func run() async throws {
        let manifest = try options.load()
        let selection = ReissueSelection(codes: try codes.map(ReissueSelection.codes(parsing:)) ?? ErrorCode.provenUnpaid, refunded: refunded)
        let reissue = CampaignReissue(manifest: manifest, ledgerPath: options.ledgerPath, selection: selection)
        let outcome: CampaignReissue.Outcome
        do {
            outcome = try await reissue.run { plan in
                Terminal.out(ReissueText.plan(plan, campaign: manifest.campaign))
                return try confirm(plan)
            }
        } catch let held as RunLock.Held {
            Terminal.error("payout: \(held)")
            throw ExitCode(ExitStatus.temporary)
        } catch let refusal as ReissueRefusal {
            Terminal.error(refusal.description)
            throw ExitCode(ExitStatus.badInput)
        }
        try finish(outcome, campaign: manifest.campaign)
    }

    /// `--dry-run` never applies, `--yes` always does; otherwise only a terminal can say yes.
    private func confirm(_ plan: ReissuePlan) throws -> Bool {
        if dryRun { return false }
        if yes { return true }
        guard isatty(STDIN_FILENO) == 1 else {
            Terminal.error(ReissueText.noTerminal(plan))
            throw ExitCode(ExitStatus.badInput)
        }
        Terminal.prompt("Reissue \(plan.total.count) items (\(plan.total.amount) yuan) under new bill numbers? Type yes to confirm: ")
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
        return answer == "yes" || answer == "y"
    }

    private func finish(_ outcome: CampaignReissue.Outcome, campaign: String) throws {
        switch outcome {
        case .nothingSelectable(let plan):
            Terminal.out(ReissueText.plan(plan, campaign: campaign))
            Terminal.error("nothing to reissue: no item is proven unpaid\(codes == nil ? "" : " with the err_codes of --codes")\(refunded ? " or refunded" : "")")
        case .overBudget(let plan):
            Terminal.out(ReissueText.plan(plan, campaign: campaign))
            let refusal = ReissueRefusal.overBudget(committed: plan.committed, selected: plan.total.amount, budget: plan.budget ?? .zero)
            Terminal.error(refusal.description)
            throw ExitCode(ExitStatus.badInput)
        case .notConfirmed:
            if dryRun {
                Terminal.error("dry run: nothing changed (without --dry-run, payout reissue gives them new bill numbers)")
            } else {
                Terminal.error("not confirmed: nothing changed")
                throw ExitCode(ExitStatus.badInput)
            }
        case .reissued(let plan):
            Terminal.error("reissued \(plan.total.count) items (\(plan.total.amount) yuan) under new bill numbers; "
                + "their old numbers are kept in the ledger's history. payout run pays them.")
        }
    }
}
