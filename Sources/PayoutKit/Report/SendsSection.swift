import Foundation

/// Requests per minute across the campaign's runs, with its pauses, and the same facts in
/// words and tables for anyone who cannot see the chart.
enum SendsSection {
    static func html(_ report: CampaignReport) -> HTML {
        let heading: HTML = "<h2>Sends per minute\(ReportPage.chinese("每分钟发放"))</h2>"
        guard !report.requestMinutes.isEmpty else {
            return "<section>\(heading)<p>Nothing has been sent yet.</p>\(pauseTable(report))</section>"
        }
        let wide = SendsChart(report: report, layout: .wide), narrow = SendsChart(report: report, layout: .narrow)
        return """
            <section>\(heading)\(legend(wide, pauses: !report.pauses.isEmpty))
            <figure>\(wide.svg)\(narrow.svg)<figcaption><p id="sends-alt" class="note">\(summary(report, peak: wide.peak))</p>\
            </figcaption></figure>
            \(pauseTable(report))\(binTable(report))
            </section>
            """
    }

    private static func legend(_ chart: SendsChart, pauses: Bool) -> HTML {
        let limit: HTML = chart.showsLimit
            ? "<li><span class=\"swatch line\"></span>Limit: \(ReportFormat.count(chart.limit)) a minute (the manifest's per_minute)</li>" : ""
        let pause: HTML = pauses ? "<li><span class=\"swatch hatch\"></span>Pause (numbered below)</li>" : ""
        return """
            <ul class="legend"><li><span class="swatch" style="background:\(ChartPalette.paid)"></span>Paid</li>\
            <li><span class="swatch" style="background:\(ChartPalette.failed)"></span>Failed</li>\
            <li><span class="swatch" style="background:\(ChartPalette.noFinalAnswer)"></span>No final answer (asked again later)</li>\
            \(pause)\(limit)</ul>
            """
    }

    private static func summary(_ report: CampaignReport, peak: Double) -> String {
        let minutes = report.requestMinutes, timeline = report.timeline
        let requests = minutes.reduce(0) { $0 + $1.total }
        let busiest = timeline.bins.max { $0.total < $1.total }
        let runs = report.runs.count
        var text = "Between \(ReportFormat.dateTime(minutes[0].firstRequest)) and \(ReportFormat.dateTime(minutes[minutes.count - 1].lastRequest)) "
            + "Beijing time, \(ReportFormat.count(requests)) requests went out"
            + (runs > 0 ? " in \(runs) run\(runs == 1 ? "" : "s")" : "") + "."
        if let busiest {
            let per = timeline.binMinutes == 1 ? "minute" : "\(timeline.binMinutes)-minute bar"
            text += " The busiest \(per) began at \(BeijingTime.clockTime(busiest.start)) with \(ReportFormat.rate(peak.rounded())) requests a minute."
        }
        if timeline.binMinutes > 1 { text += " Each bar shows \(timeline.binMinutes) minutes, as an average per minute." }
        if timeline.stretches.count > 1 { text += " Grey breaks in the time axis leave out long stretches without requests." }
        text += report.pauses.isEmpty ? " No pauses." : " Pauses are numbered on the chart and listed below."
        return text
    }

    private static func pauseTable(_ report: CampaignReport) -> HTML {
        guard !report.pauses.isEmpty else { return "" }
        let rows: [HTML] = report.pauses.enumerated().map { index, pause in
            let to = pause.to.map(ReportFormat.dateTime) ?? "not resumed yet"
            let duration = pause.to.map { ReportFormat.duration($0.timeIntervalSince(pause.from)) } ?? ""
            return """
                <tr><td class="num" data-label="Pause">\(index + 1)</td><td class="num" data-label="From">\(ReportFormat.dateTime(pause.from))</td>\
                <td class="num" data-label="To">\(to)</td><td class="num" data-label="Length">\(duration)</td>\
                <td data-label="Why">\(RunWording.cause(pause.cause))</td></tr>
                """
        }
        return """
            <table class="cards"><caption>Pauses\(ReportPage.chinese("暂停"))</caption>\
            <thead><tr><th class="num">#</th><th class="num">From (Beijing time)</th><th class="num">To</th>\
            <th class="num">Length</th><th>Why</th></tr></thead><tbody>\(rows)</tbody></table>
            """
    }

    private static func binTable(_ report: CampaignReport) -> HTML {
        let timeline = report.timeline
        let rows: [HTML] = timeline.bins.map { bin in
            """
            <tr><td class="num">\(ReportFormat.dateTime(bin.start))</td><td class="num">\(ReportFormat.count(bin.total))</td>\
            <td class="num">\(ReportFormat.count(bin.paid))</td><td class="num">\(ReportFormat.count(bin.failed))</td>\
            <td class="num">\(ReportFormat.count(bin.other))</td></tr>
            """
        }
        let span = timeline.binMinutes == 1 ? "Minute" : "\(timeline.binMinutes) minutes from"
        return """
            <details><summary>The chart's figures as a table</summary><div class="scroll"><table>\
            <thead><tr><th class="num">\(span) (Beijing time)</th><th class="num">Requests</th><th class="num">Paid</th>\
            <th class="num">Failed</th><th class="num">No final answer</th></tr></thead><tbody>\(rows)</tbody></table></div></details>
            """
    }
}
