// The console's small DOM kit, shared by walkthrough.js and api.js: plain DOM, no framework.
'use strict';

window.kit = (() => {
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : v);
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
    return node;
  }

  /** A table of `rows`; each column is [title, row => cell]; an optional row attribute function. */
  function table(columns, rows, rowAttrs) {
    if (rows.length === 0) return el('p', { class: 'muted' }, 'none yet');
    const head = el('tr', {}, ...columns.map(([title]) => el('th', { scope: 'col' }, title)));
    const body = rows.map((row) => el('tr', rowAttrs ? rowAttrs(row) : {}, ...columns.map(([, cell]) => el('td', {}, cell(row)))));
    return el('table', {}, el('thead', {}, head), el('tbody', {}, ...body));
  }

  async function getJson(path) {
    const res = await fetch(path, { cache: 'no-store' });
    if (!res.ok) throw new Error(path + ': ' + res.status);
    return res.json();
  }

  /** A request with a JSON body; the answer's status, headers and parsed body (problem+json too). */
  async function send(method, path, body, headers) {
    const init = { method, headers: { ...(headers || {}) } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['content-type'] = 'application/json';
    }
    const res = await fetch(path, init);
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  /** What a problem+json answer says, in one line. */
  function problemText(answer) {
    const p = answer.json || {};
    const fields = (p.errors || []).map((e) => e.field + ': ' + e.message).join('; ');
    return answer.status + ' ' + (p.title || '') + (p.detail ? ': ' + p.detail : '') + (fields ? ' (' + fields + ')' : '');
  }

  function say(id, text, tone) {
    const out = document.getElementById(id);
    out.textContent = text;
    out.className = tone || '';
  }

  return { el, table, getJson, send, problemText, say };
})();
