import type { CaseDocument, CaseEntity } from './case';

const escape = (value: unknown): string =>
  String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const typeNames: Record<CaseEntity['type'], string> = {
  machine: 'Machine', alert: 'Alert', file: 'File', ip: 'IP address', url: 'URL', domain: 'Domain', account: 'Account', process: 'Process',
};

// Inline CSS is fine here: this is a downloaded file, not the app, and it must render with no network.
const css = `
:root{color-scheme:light dark;--bg:#fff;--fg:#15191e;--muted:#5b6570;--line:#d8dde3;--tag:#e8eefc}
@media (prefers-color-scheme:dark){:root{--bg:#111519;--fg:#e6e9ed;--muted:#9aa5b1;--line:#2c333b;--tag:#243150}}
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;background:var(--bg);color:var(--fg)}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin:0 0 .3rem}
.meta{color:var(--muted)}section{border:1px solid var(--line);border-radius:6px;padding:1rem;margin:1rem 0;break-inside:avoid}
.kind{color:var(--muted);font-size:.8rem;text-transform:uppercase;letter-spacing:.05em}
.tag{display:inline-block;background:var(--tag);border-radius:3px;padding:0 .4rem;margin-right:.3rem;font-size:.85rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{text-align:left;vertical-align:top;padding:.15rem .5rem;border-bottom:1px solid var(--line);word-break:break-all}
th{width:14rem;color:var(--muted);font-weight:normal;word-break:normal}
blockquote{margin:.5rem 0;padding:.3rem .8rem;border-left:3px solid var(--line);white-space:pre-wrap}
`;

function entityHtml(entity: CaseEntity): string {
  const facts = Object.entries(entity.facts)
    .map(([name, value]) => `<tr><th scope="row">${escape(name.replaceAll('_', ' '))}</th><td>${escape(value)}</td></tr>`)
    .join('');
  const notes = entity.notes
    .map((note) => `<blockquote>${escape(note.body)}<footer class="meta">${escape(note.author ?? 'analyst')}, ${escape(note.createdAt)}</footer></blockquote>`)
    .join('');
  return `<section>
<div class="kind">${escape(typeNames[entity.type])}</div>
<h2>${escape(entity.label)}</h2>
<div class="meta">${escape(entity.key)}</div>
<p>${entity.tags.map((tag) => `<span class="tag">${escape(tag)}</span>`).join('')}</p>
${facts ? `<table>${facts}</table>` : ''}
${notes ? `<h3>Notes</h3>${notes}` : ''}
</section>`;
}

/** A self-contained report: one file, inline CSS, no script and no external resource of any kind. */
export function caseToHtml(doc: CaseDocument): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>Outpost case report: ${escape(doc.tenant)}</title>
<style>${css}</style>
</head>
<body>
<h1>Outpost case report</h1>
<p class="meta">Tenant ${escape(doc.tenant)} · exported ${escape(doc.exportedAt)} · Outpost ${escape(doc.appVersion)} · ${doc.entities.length} entities${doc.pseudonymized ? ' · host and account names pseudonymized' : ''}</p>
${doc.entities.map(entityHtml).join('\n')}
</body>
</html>
`;
}
