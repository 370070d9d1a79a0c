/// The texts as recipients saw them: a red packet drawn the way WeChat shows one, beside the
/// exact fields the ledger sent with every packet.
enum TextsSection {
    static func html(_ report: CampaignReport) -> HTML {
        let texts = report.campaign.texts
        let labels = ["send_name": "Sender", "act_name": "Activity", "wishing": "Wishing", "remark": "Remark",
                      "nick_name": "Provider name", "scene_id": "Scene"]
        let rows: [HTML] = texts.keyed.compactMap { key, value in
            guard !value.isEmpty else { return nil }
            return "<tr><th>\(labels[key] ?? key) <code>\(key)</code></th><td lang=\"zh-CN\">\(value)</td></tr>"
        }
        return """
            <section><h2>What recipients saw\(ReportPage.chinese("红包文案"))</h2>
            <div class="texts"><div class="packet" lang="zh-CN" role="img" aria-label="The red packet as recipients see it">\
            <div class="from">\(texts.sendName)的红包</div><p class="wish">\(texts.wishing)</p>\
            <div class="open" aria-hidden="true">開</div><div class="act">\(texts.actName)</div></div>
            <table><tbody>\(rows)</tbody></table></div>
            </section>
            """
    }
}
