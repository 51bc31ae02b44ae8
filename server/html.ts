// SPDX-License-Identifier: GPL-2.0-or-later
// HTML renderings of the bridge's JSON documents (OGC API – Processes "HTML" class): a readable
// page per resource, everything escaped, no scripts, no external resources.

export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

interface Link { href: string; rel: string; title?: string; type?: string }

function links(ls: unknown): string {
  if (!Array.isArray(ls) || ls.length === 0) return '';
  return `<h2>Links</h2><ul>${(ls as Link[]).map((l) => `<li><a href="${esc(l.href)}">${esc(l.title ?? l.href)}</a> <small>(${esc(l.rel)}${l.type ? `, ${esc(l.type)}` : ''})</small></li>`).join('')}</ul>`;
}

function table(rows: string[][], head: string[]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:70em;margin:1em auto;padding:0 1em;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;vertical-align:top;text-align:left}
pre{background:#f6f6f6;padding:.5em;overflow:auto}small{color:#666}</style></head>
<body><p><a href="/?f=html">socp bridge</a></p><h1>${esc(title)}</h1>${body}</body></html>
`;
}

/** Render a document by its kind. */
export function renderHtml(kind: string, doc: Record<string, unknown>): string {
  const raw = `<details><summary>JSON</summary><pre>${esc(JSON.stringify(doc, null, 2))}</pre></details>`;
  switch (kind) {
    case 'landing':
      return page(String(doc.title), `<p>${esc(doc.description)}</p>${links(doc.links)}`);
    case 'processes': {
      const ps = doc.processes as Record<string, unknown>[];
      return page('Processes', table(ps.map((p) => [`<a href="/processes/${esc(encodeURIComponent(String(p.id)))}?f=html">${esc(p.id)}</a>`, esc(p.title)]), ['id', 'title']) + links(doc.links));
    }
    case 'process': {
      const ins = Object.entries(doc.inputs as Record<string, Record<string, unknown>>);
      const outs = Object.entries(doc.outputs as Record<string, Record<string, unknown>>);
      return page(`${doc.id} — ${doc.title}`, `<p>${esc(doc.description)}</p><h2>Inputs</h2>` +
        table(ins.map(([n, i]) => [esc(n), esc(i.description), `<code>${esc(JSON.stringify(i.schema))}</code>`, i.minOccurs ? 'required' : 'optional']), ['name', 'description', 'schema', '']) +
        '<h2>Outputs</h2>' + table(outs.map(([n, o]) => [esc(n), esc(o.description)]), ['name', 'description']) + links(doc.links) + raw);
    }
    case 'jobs': {
      const js = doc.jobs as Record<string, unknown>[];
      return page('Jobs', table(js.map((j) => [`<a href="/jobs/${esc(j.jobID)}?f=html">${esc(j.jobID)}</a>`, esc(j.processID), esc(j.status), `${esc(j.progress)} %`, esc(j.created), esc(j.message)]), ['job', 'process', 'status', 'progress', 'created', 'message']) + links(doc.links));
    }
    case 'job':
      return page(`Job ${doc.jobID}`, table(['processID', 'status', 'progress', 'message', 'created', 'started', 'finished', 'updated'].filter((k) => doc[k] !== undefined).map((k) => [esc(k), esc(doc[k])]), ['', '']) +
        `<h2>Log</h2><pre>${esc((doc.log as string[] | undefined)?.join('\n') ?? '')}</pre>` + links(doc.links));
    default:
      return page(kind, raw.replace('<details>', '<details open>') + links(doc.links));
  }
}
