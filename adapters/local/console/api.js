// The API page: every operation of /openapi.json (the users API's OpenAPI description), each with
// a "try it" form built from its parameters and request body; and the pages' navigation.
'use strict';

(() => {
  const { el, getJson } = window.kit;
  const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete', 'options'];

  function showPage() {
    const page = location.hash === '#api' ? 'api' : 'walkthrough';
    for (const panel of document.querySelectorAll('[data-page-panel]')) panel.hidden = panel.getAttribute('data-page-panel') !== page;
    for (const link of document.querySelectorAll('nav a[data-page]')) {
      if (link.getAttribute('data-page') === page) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  }
  window.addEventListener('hashchange', showPage);
  showPage();

  function resolve(doc, node) {
    if (!node || typeof node.$ref !== 'string') return node;
    return resolve(doc, node.$ref.slice(2).split('/').reduce((n, part) => n[part], doc));
  }

  /** A starting body from a schema: its properties with empty values of their type. */
  function example(doc, schema) {
    const s = resolve(doc, schema) || {};
    const body = {};
    for (const [name, prop] of Object.entries(s.properties || {})) body[name] = prop.type === 'integer' || prop.type === 'number' ? 0 : '';
    return JSON.stringify(body, null, 2);
  }

  function operationForm(doc, path, method, op, index) {
    const prefix = 'try-' + index;
    const params = (op.parameters || []).map((p) => resolve(doc, p));
    const field = (id, text, control) => el('span', { class: 'field' }, el('label', { for: id }, text), control);
    const fields = params.map((p) => {
      const id = prefix + '-' + p.in + '-' + p.name;
      return field(id, p.name + ' (' + p.in + (p.required ? ', required' : '') + ')', el('input', { id, name: p.name, 'data-in': p.in, required: p.required }));
    });
    const json = op.requestBody && resolve(doc, op.requestBody).content['application/json'];
    if (json) fields.push(field(prefix + '-body', 'Body (application/json)', el('textarea', { id: prefix + '-body', name: '__body', rows: 4, cols: 40 }, example(doc, json.schema))));
    const output = el('output', { id: prefix + '-answer', 'aria-live': 'polite' });
    const form = el('form', { 'data-path': path, 'data-method': method.toUpperCase() }, ...fields, el('button', { type: 'submit' }, 'Send ' + method.toUpperCase()));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      let url = path;
      const query = new URLSearchParams();
      const headers = {};
      for (const input of form.querySelectorAll('input[data-in]')) {
        if (input.value === '') continue;
        const where = input.getAttribute('data-in');
        if (where === 'path') url = url.replace('{' + input.name + '}', encodeURIComponent(input.value));
        else if (where === 'query') query.set(input.name, input.value);
        else if (where === 'header') headers[input.name] = input.value;
      }
      const init = { method: method.toUpperCase(), headers };
      const body = form.querySelector('textarea');
      if (body) {
        init.body = body.value;
        headers['content-type'] = 'application/json';
      }
      const res = await fetch(url + (query.size ? '?' + query : ''), init);
      const shown = ['etag', 'location', 'allow', 'content-type'].filter((h) => res.headers.has(h)).map((h) => h + ': ' + res.headers.get(h));
      const text = await res.text();
      let pretty = text;
      try {
        pretty = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        // not JSON: shown as it came
      }
      output.replaceChildren(el('pre', { 'data-status': res.status }, res.status + ' ' + res.statusText + '\n' + shown.join('\n') + '\n\n' + pretty.slice(0, 4000)));
    });
    return el('details', { 'data-operation': method.toUpperCase() + ' ' + path },
      el('summary', {}, el('span', { class: 'method' }, method.toUpperCase()), el('code', {}, path), ' · ' + (op.summary || '')),
      form, output);
  }

  async function build() {
    const doc = await getJson('/openapi.json');
    const list = document.getElementById('api-operations');
    let index = 0;
    const items = [el('p', { class: 'muted' }, doc.info.title + ' ' + doc.info.version + ' · OpenAPI ' + doc.openapi)];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) if (item[method]) items.push(operationForm(doc, path, method, item[method], index++));
    }
    list.replaceChildren(...items);
  }
  build().catch((err) => {
    document.getElementById('api-operations').textContent = 'openapi.json could not be read: ' + err.message;
  });
})();
