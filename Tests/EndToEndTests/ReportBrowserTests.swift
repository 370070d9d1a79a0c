import Foundation
import RedpackSandbox
import Testing

/// The demo campaign's HTML report in a real browser: it loads from a file with no console
/// error and no request beyond itself, shows the headline figures, switches to the narrow
/// chart on a phone and to the wide one on paper; once reconciled, its claims and claim curve
/// too. The screenshots and the PDF are left in a temporary folder (printed below) for a
/// person to look at.
@Suite struct ReportBrowserTests {
    /// `Scripts/test` sets it, so the browser test can never be skipped silently there.
    static let required = ProcessInfo.processInfo.environment["PAYOUT_BROWSER_TEST"] == "1"

    static let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Campaigns")

    @Test(.enabled(if: HeadlessChromium.executable != nil || required, "needs chromium: run Scripts/setup-test-tools"))
    func demoReportRendersOfflineWithItsHeadlineFigures() async throws {
        let (folder, csv) = try await Self.paidDemo()
        defer { folder.remove() }
        let (artifacts, page) = try await Self.report(of: folder)
        let browser = try HeadlessChromium(folder: artifacts)
        let tab = try await BrowserTab(browser)
        try await tab.open(page, width: 1280, mobile: false)

        let figures = try await tab.evaluate("document.querySelector('.figures').innerText")
        for expected in Self.expectedFigures(csv: csv, budgetFen: 400_000) {
            #expect(figures.contains(expected), "the headline figures show \(expected)")
        }
        #expect(try await tab.evaluate("document.querySelector('.standing').innerText").hasPrefix("Complete"))
        #expect(try await tab.evaluate("getComputedStyle(document.querySelector('svg.chart-wide')).display") == "block")
        try await tab.screenshot(to: artifacts.appendingPathComponent("report.png"))
        try await tab.pdf(to: artifacts.appendingPathComponent("report.pdf"))

        try await tab.open(page, width: 390, mobile: true)
        #expect(try await tab.evaluate("getComputedStyle(document.querySelector('svg.chart-narrow')).display") == "block")
        #expect(try await tab.evaluate("getComputedStyle(document.querySelector('svg.chart-wide')).display") == "none")
        try await tab.screenshot(to: artifacts.appendingPathComponent("phone.png"))
        try await browser.send("Emulation.setEmulatedMedia", ["media": "print"], session: tab.session)
        #expect(try await tab.evaluate("getComputedStyle(document.querySelector('svg.chart-wide')).display") == "block", "paper gets the wide chart")

        #expect(tab.requests.allSatisfy { $0 == page.absoluteString }, "no request but the page itself: \(tab.requests)")
        #expect(tab.problems == [], "console errors or warnings")
        try #require(try Data(contentsOf: artifacts.appendingPathComponent("report.png")).prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        try #require(try Data(contentsOf: artifacts.appendingPathComponent("report.pdf")).prefix(5) == Data("%PDF-".utf8))
        print("report screenshots and PDF: \(artifacts.path)")
    }

    /// The demo a few seconds after its run, as the week of a campaign goes on: reconcile finds
    /// the packets its bundled sandbox has claimed (70%, 10 s after payment), and the page shows
    /// the figures `status` shows and the claim curve, on a wide screen and on a phone.
    @Test(.enabled(if: HeadlessChromium.executable != nil || required, "needs chromium: run Scripts/setup-test-tools"))
    func reconciledDemoReportShowsClaimsAndTheirCurve() async throws {
        let (folder, _) = try await Self.paidDemo()
        defer { folder.remove() }
        try await Task.sleep(for: .seconds(SandboxEndpoint.demoLifecycle.claimDelay + 1))
        let reconcile = try await folder.payout("reconcile", "m.yaml")
        try #require([0, 75].contains(reconcile.status), "\(reconcile.stderr)")
        let status = try await folder.payout("status", "m.yaml", "--json")
        let object = try JSONSerialization.jsonObject(with: status.stdoutData) as? [String: Any]
        let claimed = try #require(((object?["packets"] as? [String: Any])?["claimed"] as? [String: Any])?["count"] as? Int)
        try #require(claimed > 0, "the sandbox claims 70% of the packets")
        let (artifacts, page) = try await Self.report(of: folder)

        let browser = try HeadlessChromium(folder: artifacts)
        let tab = try await BrowserTab(browser)
        try await tab.open(page, width: 1280, mobile: false)
        let packets = try await tab.evaluate("document.querySelectorAll('.figures')[1].innerText")
        #expect(packets.contains("Claimed") && packets.contains("\(claimed)") && packets.contains("% of sent"), "\(packets)")
        #expect(packets.contains("Refunded") && packets.contains("Not yet claimed"))
        #expect(try await tab.evaluate("document.getElementById('claims-alt').innerText").contains("within 24 hours"))
        let chart = "document.querySelector('svg.chart-%@[aria-labelledby=claims-alt]')"
        #expect(try await tab.evaluate("getComputedStyle(\(String(format: chart, "wide"))).display") == "block")
        #expect(try await tab.evaluate("\(String(format: chart, "wide")).getBoundingClientRect().width > 900 ? 'wide' : 'narrow'") == "wide")
        try await tab.screenshot(to: artifacts.appendingPathComponent("claims.png"))

        try await tab.open(page, width: 390, mobile: true)
        #expect(try await tab.evaluate("getComputedStyle(\(String(format: chart, "narrow"))).display") == "block")
        #expect(try await tab.evaluate("getComputedStyle(\(String(format: chart, "wide"))).display") == "none")
        #expect(try await tab.evaluate("document.documentElement.scrollWidth <= 390 ? 'fits' : 'overflows'") == "fits")
        try await tab.screenshot(to: artifacts.appendingPathComponent("claims-phone.png"))
        #expect(tab.requests.allSatisfy { $0 == page.absoluteString }, "no request but the page itself: \(tab.requests)")
        #expect(tab.problems == [], "console errors or warnings")
        print("reconciled report screenshots: \(artifacts.path)")
    }

    /// The demo campaign, paid through its bundled sandbox, in a folder of its own.
    static func paidDemo() async throws -> (folder: CampaignFolder, csv: String) {
        let folder = try CampaignFolder(manifest: try String(contentsOf: demo.appendingPathComponent("lantern.yaml"), encoding: .utf8),
                                        recipients: nil)
        let csv = try String(contentsOf: demo.appendingPathComponent("lantern.csv"), encoding: .utf8)
        try folder.write("lantern.csv", csv)
        let run = try await folder.payout("run", "m.yaml", "--quiet")
        guard run.status == 0 else {
            folder.remove()
            throw HeadlessChromium.Failure(description: "the demo's run failed: \(run.stderr)")
        }
        return (folder, csv)
    }

    /// The folder's HTML report, copied into a new folder that keeps the browser's screenshots.
    static func report(of folder: CampaignFolder) async throws -> (artifacts: URL, page: URL) {
        let report = try await folder.payout("report", "m.yaml", "-o", "lantern.html")
        guard report.status == 0 else { throw HeadlessChromium.Failure(description: "payout report failed: \(report.stderr)") }
        let artifacts = FileManager.default.temporaryDirectory.appendingPathComponent("payout-report-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let page = artifacts.appendingPathComponent("lantern.html")
        try FileManager.default.copyItem(at: folder.url.appendingPathComponent("lantern.html"), to: page)
        return (artifacts, page)
    }

    /// Recipients, paid amount and budget share as the page should print them, from the CSV.
    static func expectedFigures(csv: String, budgetFen: Int) -> [String] {
        let amounts = csv.split(separator: "\n").dropFirst().compactMap { Int($0.split(separator: ",")[1]) }
        let total = amounts.reduce(0, +)
        let permille = (total * 1000 + budgetFen / 2) / budgetFen
        let yuan = "¥\(total / 100 >= 1000 ? "\(total / 100_000),\(String(format: "%03d", total / 100 % 1000))" : "\(total / 100)")"
            + String(format: ".%02d", total % 100)
        return ["Recipients", "\(amounts.count)", "Paid", yuan, "Failed", "Waiting", "Budget used", "\(permille / 10).\(permille % 10)%"]
    }
}

/// One page of the browser, with what it logged and requested since it was opened.
struct BrowserTab {
    let browser: HeadlessChromium
    let session: String

    init(_ browser: HeadlessChromium) async throws {
        self.browser = browser
        let targets = try await browser.send("Target.getTargets")["targetInfos"] as? [[String: Any]] ?? []
        guard let page = targets.first(where: { $0["type"] as? String == "page" })?["targetId"] as? String else {
            throw HeadlessChromium.Failure(description: "the browser has no page")
        }
        session = try await browser.send("Target.attachToTarget", ["targetId": page, "flatten": true])["sessionId"] as? String ?? ""
        for domain in ["Page", "Runtime", "Log", "Network"] {
            try await browser.send("\(domain).enable", session: session)
        }
    }

    func open(_ url: URL, width: Int, mobile: Bool) async throws {
        try await browser.send("Emulation.setDeviceMetricsOverride",
                         ["width": width, "height": 900, "deviceScaleFactor": mobile ? 2 : 1, "mobile": mobile], session: session)
        try await browser.send("Page.navigate", ["url": url.absoluteString], session: session)
        _ = try await browser.event("Page.loadEventFired")
    }

    func evaluate(_ expression: String) async throws -> String {
        let result = try await browser.send("Runtime.evaluate", ["expression": expression, "returnByValue": true], session: session)
        return (result["result"] as? [String: Any])?["value"] as? String ?? ""
    }

    func screenshot(to file: URL) async throws {
        let size = try await browser.send("Page.getLayoutMetrics", session: session)["cssContentSize"] as? [String: Any] ?? [:]
        let clip: [String: Any] = ["x": 0, "y": 0, "width": size["width"] ?? 1280, "height": size["height"] ?? 900, "scale": 1]
        try save(try await browser.send("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": true, "clip": clip], session: session), to: file)
    }

    func pdf(to file: URL) async throws {
        try save(try await browser.send("Page.printToPDF", ["printBackground": true, "paperWidth": 8.27, "paperHeight": 11.69], session: session), to: file)
    }

    private func save(_ result: [String: Any], to file: URL) throws {
        guard let data = (result["data"] as? String).flatMap({ Data(base64Encoded: $0) }) else {
            throw HeadlessChromium.Failure(description: "no image from the browser for \(file.lastPathComponent)")
        }
        try data.write(to: file)
    }

    /// Every URL the page asked the network layer for.
    var requests: [String] {
        browser.events.filter { $0["method"] as? String == "Network.requestWillBeSent" }.compactMap {
            (($0["params"] as? [String: Any])?["request"] as? [String: Any])?["url"] as? String
        }
    }

    /// Console errors and warnings, uncaught exceptions, and browser log entries of those levels
    /// (a refused fetch, a CSP violation).
    var problems: [String] {
        browser.events.compactMap { event -> String? in
            let params = event["params"] as? [String: Any] ?? [:]
            switch event["method"] as? String {
            case "Runtime.exceptionThrown":
                return "exception: \(params["exceptionDetails"] ?? "")"
            case "Runtime.consoleAPICalled" where ["error", "warning", "assert"].contains(params["type"] as? String ?? ""):
                return "console.\(params["type"] ?? ""): \(params["args"] ?? "")"
            case "Log.entryAdded":
                let entry = params["entry"] as? [String: Any] ?? [:]
                return ["error", "warning"].contains(entry["level"] as? String ?? "") ? "log: \(entry["text"] ?? "")" : nil
            default:
                return nil
            }
        }
    }
}
