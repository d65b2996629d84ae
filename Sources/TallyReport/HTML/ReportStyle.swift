/// The one stylesheet of `report.html` and `index.html`, inlined in a `<style>` element whose
/// SHA-256 the Content-Security-Policy names (so no other style, inline or fetched, applies).
///
/// Colours keep a contrast of at least 4.5:1 against their background (WCAG AA); severity is
/// always also written as a word, never shown by colour alone. The print rules drop the
/// interactive controls, keep figures and rows unbroken and print links' targets.
enum ReportStyle {
    static let css = """
        :root{--fg:#1b1f24;--muted:#4a5560;--line:#d0d7de;--head:#f3f5f7;--high:#b42318;--high-bg:#fdecea;\
        --medium:#8a4b00;--medium-bg:#fff4e0;--info:#1f5fa8;--info-bg:#e8f1fb;--ok:#116329;--ok-bg:#e6f4ea}
        *{box-sizing:border-box}[hidden]{display:none!important}
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);\
        background:#fff;margin:0 auto;padding:24px;max-width:1440px}
        h1{font-size:22px;margin:0 0 6px}h2{font-size:17px;margin:32px 0 10px}h3{font-size:14px;margin:0 0 6px}
        a{color:#0b57d0}code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
        .meta{color:var(--muted);font-size:13px;margin:2px 0}.meta b{color:var(--fg);font-weight:600}
        .mark{display:inline-block;border-radius:4px;padding:1px 7px;font-size:12px;font-weight:700;margin-left:6px;\
        vertical-align:middle}
        .mark.dry{background:#4a5560;color:#fff}.mark.supersedes{background:var(--info-bg);color:var(--info)}
        .files{margin:6px 0 0;padding:0;list-style:none;font-size:13px;color:var(--muted)}
        .control-lines{margin:4px 0 0;padding-left:16px;font-size:12px}
        .verdict{border-radius:8px;padding:12px 16px;margin:18px 0;font-size:15px;border-left:6px solid}
        .verdict.high{background:var(--high-bg);border-color:var(--high)}\
        .verdict.medium{background:var(--medium-bg);border-color:var(--medium)}
        .verdict.info,.verdict.clean{background:var(--ok-bg);border-color:var(--ok)}
        .figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px;margin:12px 0}
        .figure{border:1px solid var(--line);border-radius:8px;padding:10px 14px;break-inside:avoid}
        .figure .label{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
        .figure .value{display:block;font-size:22px;font-weight:650;font-variant-numeric:tabular-nums;margin-top:2px}
        .figure .sub{display:block;font-size:13px;color:var(--muted);font-variant-numeric:tabular-nums}
        .figure.high{border-color:var(--high);background:var(--high-bg)}.figure.high .value{color:var(--high)}
        .figure.medium{border-color:var(--medium);background:var(--medium-bg)}.figure.medium .value{color:var(--medium)}
        .figure.ok{border-color:var(--ok);background:var(--ok-bg)}.figure.ok .value{color:var(--ok)}
        .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:16px}
        .chart{border:1px solid var(--line);border-radius:8px;padding:12px;break-inside:avoid}
        .chart svg{width:100%;height:auto;display:block}.chart text{font-size:12px;fill:var(--fg)}
        .chart .axis{stroke:var(--line)}.chart .muted{fill:var(--muted)}
        .bar.high{fill:var(--high)}.bar.medium{fill:#b86e00}.bar.info{fill:var(--info)}.bar.neutral{fill:#5b6b7a}
        .empty{color:var(--muted);font-style:italic}
        table{border-collapse:collapse;width:100%;font-size:13px}
        th,td{border-bottom:1px solid var(--line);padding:5px 6px;text-align:left;vertical-align:top}
        th{background:var(--head);font-weight:600;position:sticky;top:0}
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}td.num{white-space:nowrap}
        td.ref{white-space:nowrap}.table-scroll{overflow-x:auto}
        th button{all:unset;cursor:pointer}th button:focus-visible{outline:2px solid #0b57d0}
        th[aria-sort=ascending] button::after{content:" \\25B2"}th[aria-sort=descending] button::after{content:" \\25BC"}
        .sev{font-weight:700}.sev.high{color:var(--high)}.sev.medium{color:var(--medium)}.sev.info{color:var(--info)}
        .badge{display:inline-block;border-radius:10px;padding:0 7px;font-size:11px;font-weight:700}
        .badge.new{background:var(--high-bg);color:var(--high)}.badge.persisting{background:var(--head);color:var(--muted)}
        .badge.item-state{background:var(--head);color:var(--muted);font-weight:400}
        .detail{display:block;color:var(--muted);font-size:12px}
        .ok{color:var(--ok);font-weight:700}.fail{color:var(--high);font-weight:700}
        .toolbar{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:end;margin:8px 0 10px}
        .toolbar label{display:flex;flex-direction:column;font-size:12px;color:var(--muted);gap:2px}
        .toolbar select,.toolbar input{font:inherit;font-size:13px;padding:4px 6px;border:1px solid #8c959f;\
        border-radius:4px;color:var(--fg);background:#fff}
        .toolbar input{min-width:240px}
        .pager{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:10px 0}
        .pager button{font:inherit;font-size:13px;padding:3px 10px;border:1px solid #8c959f;border-radius:4px;\
        background:#fff;color:var(--fg);cursor:pointer}.pager button:disabled{color:#8c959f;cursor:default}
        .status{font-size:13px;color:var(--muted)}
        .note{font-size:13px;color:var(--muted)}
        footer{margin-top:36px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:8px}
        @media (max-width:700px){body{padding:12px}.charts{grid-template-columns:1fr}}
        @media print{
        body{padding:0;max-width:none;font-size:11px}.toolbar,.pager,.screen-only{display:none!important}
        .print-only{display:block!important}th{position:static}table{font-size:10px}th,td{padding:3px 5px}
        .table-scroll{overflow:visible}#breaks,#breaks code{font-size:9px}#breaks th,#breaks td{padding:2px}#breaks .badge{padding:0 2px}
        .figure,.chart,tr,.verdict{break-inside:avoid}h2{break-after:avoid}
        .figures{grid-template-columns:repeat(4,1fr)}.charts{grid-template-columns:repeat(2,1fr)}
        a[href^="http"]::after{content:" (" attr(href) ")"}
        *{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
        .print-only{display:none}
        """
}
