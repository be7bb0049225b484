// The post-mortem page's stylesheet: readable at 800 px and wider, and on paper, where every
// collapsed part is printed open and a step is kept on one page where it fits. Pure.

export const postMortemCss = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:1040px;padding:0 1rem;color:#1d2430;background:#fff}
h1{font-size:1.55rem;margin:.2rem 0 .6rem}h2{font-size:1.15rem;margin:1.8rem 0 .5rem;border-bottom:1px solid #e2e8f0;padding-bottom:.2rem}
h3{font-size:1rem;margin:1.3rem 0 .3rem}
table{border-collapse:collapse;margin:.3rem 0}td,th{border:1px solid #ccd3dc;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#f1f5f9}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px}
pre{background:#f4f6f8;padding:.5rem .7rem;margin:.3rem 0;white-space:pre-wrap;overflow-wrap:anywhere}
ul{padding-left:1.3rem;margin:.2rem 0}li{margin:.15rem 0}li.more{list-style:none;margin-left:-.9rem}
.outcome{border-left:6px solid #16a34a;background:#f0fdf4;padding:.6rem .9rem;margin:.6rem 0;font-size:1.05rem}
.outcome.bad{border-color:#dc2626;background:#fef2f2}.outcome.unsure{border-color:#ca8a04;background:#fefce8}
.failure{border:1px solid #fca5a5;border-left:6px solid #dc2626;padding:.5rem .9rem;margin:.6rem 0;background:#fff}
.failure h2{border:0;margin:.2rem 0 .3rem;color:#991b1b}
.verdict-bad{color:#991b1b;font-weight:bold}
.deviation,.deviations td.what{color:#9a3412}
.muted{color:#64748b}
section.step{border-left:3px solid #cbd5e1;padding:.1rem 0 .1rem .8rem;margin:.6rem 0}
section.step.failed{border-color:#dc2626}
section.step > p{margin:.2rem 0}
details{margin:.25rem 0}summary{cursor:pointer;color:#334155}
details > pre{max-height:40rem;overflow:auto}
.err{color:#b91c1c;background:#fef2f2}
.err::before{content:"stderr ▸ ";color:#dc2626;font-weight:bold;user-select:none}
.legend span{display:inline-block;margin-right:1rem}.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:-1px}
svg text{font:12px system-ui,sans-serif;fill:#1d2430}svg .chart-heading{font-weight:bold}svg .chart-muted{fill:#64748b;font-weight:normal}
svg .chart-tick{font-size:11px;fill:#334155}svg .chart-failed{fill:#b91c1c;font-weight:bold}
@page{margin:14mm}
@media print{
body{max-width:none;margin:0;padding:0;font-size:11px}
details::details-content{content-visibility:visible;display:block}
details > pre{max-height:none;overflow:visible}
summary{list-style:none}summary::-webkit-details-marker{display:none}
section.step,.failure,.outcome,tr,svg{break-inside:avoid}
h2,h3{break-after:avoid}
*{print-color-adjust:exact;-webkit-print-color-adjust:exact}
}
`;
