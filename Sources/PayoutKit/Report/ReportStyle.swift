/// The page's only stylesheet, inline. System fonts that cover Chinese on every platform,
/// tabular figures for money, one column on a phone, and colours that survive printing.
enum ReportStyle {
    static let css: HTML = """
        :root{--ink:#1F2328;--muted:#656D76;--line:#D8DEE4;--soft:#F6F8FA;--paid:#0072B2;--failed:#D55E00;--waiting:#E69F00;--refunded:#CC79A7}
        *{box-sizing:border-box}
        html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
        body{margin:0;background:#FFFFFF;color:var(--ink);font:15px/1.55 -apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC",\
        "Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","WenQuanYi Micro Hei",Roboto,\
        "Helvetica Neue",Arial,sans-serif}
        main{max-width:1060px;margin:0 auto;padding:36px 28px 56px}
        .eyebrow{margin:0;font-size:13px;letter-spacing:.06em;text-transform:uppercase;color:var(--muted)}
        h1{font-size:30px;line-height:1.25;margin:4px 0 6px;font-weight:700}
        .meta{margin:0;color:var(--muted);font-size:14px}
        .standing{margin:20px 0 0;padding:12px 16px;border-radius:8px;border-left:5px solid var(--muted);background:var(--soft)}
        .standing strong{margin-right:.4em}
        .standing.complete{border-left-color:var(--paid)}
        .standing.stopped{border-left-color:var(--failed)}
        .standing.waiting{border-left-color:var(--waiting)}
        .figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin:20px 0 0;padding:0;list-style:none}
        .figure{border:1px solid var(--line);border-top:4px solid var(--muted);border-radius:8px;padding:12px 14px 14px}
        .figure.paid{border-top-color:var(--paid)}
        .figure.failed{border-top-color:var(--failed)}
        .figure.waiting{border-top-color:var(--waiting)}
        .figure.claimed{border-top-color:var(--paid)}
        .figure.refunded{border-top-color:var(--refunded)}
        .figure.unclaimed{border-top-color:#BBBBBB}
        .note.reconcile{margin:10px 0 0}
        .figure .label{font-size:13px;color:var(--muted)}
        .figure .value{display:block;font-size:28px;line-height:1.3;font-weight:650;font-variant-numeric:tabular-nums}
        .figure .sub{display:block;font-size:14px;font-variant-numeric:tabular-nums}
        section{margin-top:40px}
        h2{font-size:20px;line-height:1.3;margin:0 0 14px;padding-bottom:8px;border-bottom:1px solid var(--line)}
        .zh{color:var(--muted);font-weight:400;margin-left:.45em;white-space:nowrap}
        td.code code{white-space:nowrap}
        p{margin:0 0 12px}
        .note{color:var(--muted);font-size:14px}
        table{border-collapse:collapse;width:100%;font-size:14px}
        caption{text-align:left;font-weight:600;padding:0 0 6px}
        th,td{padding:8px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
        th{font-weight:600;color:var(--muted);font-size:13px;white-space:nowrap}
        .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .scroll{overflow-x:auto}
        code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:.9em;\
        background:var(--soft);padding:1px 5px;border-radius:4px;overflow-wrap:anywhere}
        .server{display:block;margin-top:4px;color:var(--muted);font-size:13px}
        .legend{display:flex;flex-wrap:wrap;gap:6px 20px;font-size:13px;color:var(--muted);margin:0 0 8px;padding:0;list-style:none}
        .swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;vertical-align:-1px}
        .swatch.line{height:0;border-top:2px dashed var(--limit,#009E73);border-radius:0;vertical-align:3px;width:18px}
        .swatch.curve{height:0;border-top:3px solid var(--paid);border-radius:0;vertical-align:3px;width:18px}
        .swatch.hatch{background:repeating-linear-gradient(45deg,#A8AEB5 0 2px,#F3F4F6 2px 5px)}
        figure{margin:0}
        svg.chart{display:block;width:100%;height:auto}
        svg.chart-narrow{display:none}
        .bar{display:block;width:100%;height:18px;margin:2px 0 10px}
        .bar-label{font-size:13px;color:var(--muted)}
        details{margin-top:14px}
        summary{cursor:pointer;color:var(--paid)}
        .texts{display:flex;flex-wrap:wrap;gap:28px;align-items:flex-start}
        .texts table{flex:1 1 320px;width:auto}
        .packet{flex:0 0 auto;width:250px;min-height:330px;border-radius:14px;padding:30px 22px;text-align:center;\
        background:linear-gradient(#E0493F,#C9362E);color:#FCE3B0;box-shadow:0 6px 18px rgba(160,40,30,.25)}
        .packet .from{font-size:15px;opacity:.95}
        .packet .wish{font-size:20px;line-height:1.45;margin:16px 0 0;color:#FFF3D6;overflow-wrap:anywhere}
        .packet .open{width:76px;height:76px;margin:30px auto 18px;border-radius:50%;background:#EBC069;color:#5B3510;\
        font-size:30px;line-height:76px;font-weight:700}
        .packet .act{font-size:13px;opacity:.9;overflow-wrap:anywhere}
        footer{margin-top:44px;padding-top:12px;border-top:1px solid var(--line);color:var(--muted);font-size:13px}
        @media (max-width:640px){main{padding:22px 14px 40px}h1{font-size:24px}svg.chart-wide{display:none}\
        svg.chart-narrow{display:block}.figure .value{font-size:24px}.packet{width:100%}.wide-only{display:none}\
        table.cards thead{display:none}table.cards tr{display:block;padding:8px 0;border-bottom:1px solid var(--line)}\
        table.cards td{display:block;border:0;padding:2px 0;text-align:left}\
        table.cards td[data-label]::before{content:attr(data-label) ": ";color:var(--muted)}}
        @media print{main{max-width:none;padding:0}svg.chart-wide{display:block}svg.chart-narrow{display:none}details{display:none}\
        figure,.figures,.packet,tr{break-inside:avoid}h2{break-after:avoid}\
        *{-webkit-print-color-adjust:exact;print-color-adjust:exact}@page{margin:14mm}}
        """
}
