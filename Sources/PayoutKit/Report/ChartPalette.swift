/// Okabe and Ito's colour-blind-safe palette, one colour per meaning across the whole page:
/// blue is always paid (and a claimed packet is paid money that reached its recipient),
/// vermillion failed, orange waiting for an answer, grey not happened yet, reddish purple
/// money that came back.
enum ChartPalette {
    static let paid = "#0072B2"
    static let failed = "#D55E00"
    static let noFinalAnswer = "#E69F00"
    static let sending = "#56B4E9"
    static let pending = "#BBBBBB"
    static let limit = "#009E73"
    static let refunded = "#CC79A7"
    /// Refunding is refunded, drawn lighter: the money is on its way back.
    static let refundingOpacity = "0.45"
    static let ink = "#1F2328"
    static let muted = "#656D76"
    static let grid = "#E4E7EB"

    static func colour(_ state: ItemState) -> String {
        switch state {
        case .sent: return paid
        case .failed: return failed
        case .retrying: return noFinalAnswer
        case .sending: return sending
        case .pending: return pending
        }
    }
}
