/// Where every recipient stands, by count and by amount: two proportional bars (SVG with no
/// text, so they stretch to any width) and the table that labels them.
enum StatusSection {
    /// Final states first, in the order a manager asks about them.
    static let order: [(state: ItemState, name: String, chinese: String, meaning: String)] = [
        (.sent, "Paid", "已发放", "WeChat Pay accepted the red packet."),
        (.failed, "Failed", "发放失败", "Not paid, for good; see the failures below."),
        (.retrying, "Outcome unknown", "待确认", "Asked again under the same bill number on the next run: never paid twice."),
        (.sending, "Sending", "发送中", "A bill number is assigned and a request may be on its way."),
        (.pending, "Not sent yet", "未发送", "Waiting for a run."),
    ]

    static func html(_ report: CampaignReport) -> HTML {
        let total = report.recipients
        let tallies = order.map { report.outcomes.tally([$0.state]) }
        let rows: [HTML] = zip(order, tallies).map { entry, tally in
            """
            <tr><td><span class="swatch" style="background:\(ChartPalette.colour(entry.state))"></span>\(entry.name)\
            \(ReportPage.chinese(entry.chinese))</td><td class="wide-only">\(entry.meaning)</td>\
            <td class="num">\(ReportFormat.count(tally.count))</td><td class="num wide-only">\(share(tally.count, of: total.count))</td>\
            <td class="num">\(ReportFormat.yuan(tally.amount))</td><td class="num wide-only">\(share(tally.amount.fen, of: total.amount.fen))</td></tr>
            """
        }
        return """
            <section><h2>Where every recipient stands\(ReportPage.chinese("发放状态"))</h2>
            <span class="bar-label">By count</span>\(bar(tallies.map(\.count)))\
            <span class="bar-label">By amount</span>\(bar(tallies.map(\.amount.fen)))
            <table><thead><tr><th>Status</th><th class="wide-only">Meaning</th><th class="num">Recipients</th>\
            <th class="num wide-only">Share</th><th class="num">Amount</th><th class="num wide-only">Share</th></tr></thead>\
            <tbody>\(rows)</tbody><tfoot><tr><th>Total</th><th class="wide-only"></th><th class="num">\(ReportFormat.count(total.count))</th>\
            <th class="num wide-only">100.0%</th><th class="num">\(ReportFormat.yuan(total.amount))</th>\
            <th class="num wide-only">100.0%</th></tr></tfoot></table>
            </section>
            """
    }

    /// Shares in tenths of a percent, from integers.
    private static func share(_ part: Int, of whole: Int) -> String {
        whole > 0 ? ReportFormat.percent(permille: (part * 1000 + whole / 2) / whole) : "—"
    }

    /// Drawn in ten-thousandths of the whole: a million recipients' fen would strain SVG's floats.
    private static func bar(_ values: [Int]) -> HTML {
        let whole = max(values.reduce(0, +), 1)
        var sum = 0
        var parts: [HTML] = []
        for (entry, value) in zip(order, values) where value > 0 {
            let x = sum * 10_000 / whole
            sum += value
            parts.append("""
                <rect x="\(x)" y="0" width="\(sum * 10_000 / whole - x)" height="1" fill="\(ChartPalette.colour(entry.state))">\
                <title>\(entry.name): \(share(value, of: whole))</title></rect>
                """)
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" class="bar" viewBox="0 0 10000 1" preserveAspectRatio="none" \
            aria-hidden="true">\(parts)</svg>
            """
    }
}
