// The walk-through page: the README's curl walk-through as forms (create a user, place an order
// and watch it, upload an image), and panels rebuilt every few seconds from the JSON endpoints.
'use strict';

(() => {
  const { el, table, getJson, send, problemText, say } = window.kit;
  const REFRESH_MS = 2000;
  const WATCH_MS = 300;

  const objectUrl = (bucket, key) => '/buckets/' + bucket + '/' + key.split('/').map(encodeURIComponent).join('/');
  const code = (text) => el('code', {}, text);

  /** Keeps a select's options in step with `values` ([value, label]), the choice kept. */
  function fillSelect(id, values) {
    const select = document.getElementById(id);
    const chosen = select.value;
    const same = select.options.length === values.length && values.every(([v], i) => select.options[i].value === v);
    if (!same) select.replaceChildren(...values.map(([value, label]) => el('option', { value }, label)));
    if (values.some(([v]) => v === chosen)) select.value = chosen;
  }

  const shortText = (lines) => (lines || []).map((l) => l.product_id + ' (wanted ' + l.requested + ', had ' + l.available + ')').join(', ');

  const panels = {
    users: async () => {
      const { users } = await getJson('/users?limit=100');
      const options = users.map((u) => [u.user_id, u.name + ' <' + u.email + '>']);
      fillSelect('order-user', options);
      fillSelect('upload-user', options);
      return table([['id', (u) => code(u.user_id)], ['name', (u) => u.name], ['email', (u) => u.email], ['version', (u) => u.version]], users);
    },
    stock: async () => {
      const { stock } = await getJson('/stock');
      fillSelect('order-product', stock.map((s) => [s.product_id, s.product_id + ' (' + s.quantity + ' left)']));
      return table([['product', (s) => code(s.product_id)], ['quantity', (s) => s.quantity]], stock);
    },
    orders: async () => {
      const { orders, queued } = await getJson('/orders');
      const rows = queued.map((q) => ({ order_id: q.attributes.order_id, status: 'QUEUED', note: 'attempt ' + q.receive_count })).concat(orders);
      return table(
        [['order', (o) => code(o.order_id)], ['status', (o) => o.status], ['items', (o) => (o.items || []).map((i) => i.product_id + ' × ' + i.quantity).join(', ')], ['note', (o) => o.note || shortText(o.short_lines)]],
        rows,
        (o) => ({ 'data-order-id': o.order_id, 'data-status': o.status }),
      );
    },
    thumbs: async () => {
      const { objects } = await getJson('/buckets/compressed?prefix=');
      if (objects.length === 0) return el('p', { class: 'muted' }, 'upload an image to see its compressed copy');
      return el('div', { class: 'thumbs' }, ...objects.map((o) => {
        const original = o.key.replace(/^compressed\//, '');
        return el('figure', {}, el('img', { src: objectUrl('compressed', o.key) + '?etag=' + o.etag, alt: 'compressed copy of ' + original, 'data-key': original }), el('figcaption', {}, original + ' · ' + Math.round(o.size / 1024) + ' KiB'));
      }));
    },
    originals: async () => {
      const { objects } = await getJson('/buckets/originals?prefix=');
      return table([['key', (o) => code(o.key)], ['size', (o) => o.size], ['type', (o) => o.contentType || '']], objects);
    },
    payments: async () => {
      const { payments } = await getJson('/payments');
      return table([['order', (p) => code(p.attributes.order_id)], ['request', (p) => code(p.body)], ['queued', (p) => p.enqueued_at]], payments, (p) => ({ 'data-order-id': p.attributes.order_id }));
    },
    events: async () => {
      const { events } = await getJson('/events');
      return table([['type', (e) => e.attributes.event_type || ''], ['order', (e) => code(e.attributes.order_id || '')], ['at', (e) => e.published_at]], events, (e) => ({ 'data-order-id': e.attributes.order_id || '', 'data-event-type': e.attributes.event_type || '' }));
    },
    'dead-letters': async () => {
      const { dead_letters } = await getJson('/dead-letters');
      return table([
        ['function', (d) => d.function],
        ['message', (d) => code(d.object_key || d.message)],
        ['reason', (d) => el('span', { class: 'bad' }, d.reason)],
        ['attempts', (d) => d.attempts],
        ['at', (d) => d.failed_at],
        ['', (d) => (d.id === undefined ? '' : el('button', { type: 'button', class: 'secondary', 'data-redrive': d.id, 'aria-label': 'Replay dead letter ' + d.id }, 'Replay'))],
      ], dead_letters);
    },
  };

  async function refresh() {
    const failures = [];
    await Promise.all(Object.entries(panels).map(async ([id, build]) => {
      try {
        const node = document.getElementById(id);
        // a focused control in the panel (a Replay button) keeps its focus: rebuild later
        if (node.contains(document.activeElement) && document.activeElement !== document.body) return;
        node.replaceChildren(await build());
      } catch (err) {
        failures.push(id + ': ' + err.message);
      }
    }));
    const status = document.getElementById('status');
    status.textContent = (failures.length ? 'errors: ' + failures.join('; ') + ' · ' : '') + 'updated ' + new Date().toLocaleTimeString();
    status.className = failures.length ? 'bad' : 'muted';
  }

  document.getElementById('create-user').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target;
    const answer = await send('POST', '/users', { name: form.name.value, email: form.email.value });
    if (answer.status === 201) {
      say('create-user-result', 'created ' + answer.json.user_id + ' (' + answer.headers.get('location') + ', ETag ' + answer.headers.get('etag') + ')', 'good');
      form.reset();
    } else {
      say('create-user-result', problemText(answer), 'bad');
    }
    await refresh();
  });

  /** Polls one order until the orders function has decided it; says each status it saw. */
  async function watch(orderId, seen) {
    const deadline = Date.now() + 60000;
    while (Date.now() < deadline) {
      const answer = await send('GET', '/orders/' + encodeURIComponent(orderId));
      const status = answer.json && answer.json.status;
      if (status && status !== seen[seen.length - 1]) seen.push(status);
      const short = answer.json && answer.json.short_lines ? ' · short: ' + shortText(answer.json.short_lines) : '';
      say('place-order-result', 'order ' + orderId + ': ' + seen.join(' → ') + short, status === 'PLACED' ? 'good' : status === 'QUEUED' ? '' : 'bad');
      if (status && status !== 'QUEUED') return;
      await new Promise((r) => setTimeout(r, WATCH_MS));
    }
  }

  document.getElementById('place-order').addEventListener('submit', async (event) => {
    event.preventDefault();
    const f = event.target;
    say('place-order-result', 'sending…');
    const order = { user_id: f.user_id.value, items: [{ product_id: f.product_id.value, quantity: Number(f.quantity.value) }], total_amount: Number(f.total_amount.value), currency: f.currency.value };
    const answer = await send('POST', '/orders', order);
    if (answer.status !== 202) return say('place-order-result', problemText(answer), 'bad');
    await watch(answer.json.order_id, [answer.json.status]);
    await refresh();
  });

  // Replay a dead letter: the local redrive endpoint puts it back where it is processed again.
  document.getElementById('dead-letters').addEventListener('click', async (event) => {
    const button = event.target.closest('button[data-redrive]');
    if (!button) return;
    const id = button.getAttribute('data-redrive');
    const answer = await send('POST', '/dead-letters/' + encodeURIComponent(id) + '/redrive');
    say('redrive-result', answer.status < 300 ? 'dead letter ' + id + ' replayed' : problemText(answer), answer.status < 300 ? 'good' : 'bad');
    button.blur();
    await refresh();
  });

  window.walkthrough = { refresh, objectUrl, panels };
  refresh();
  setInterval(refresh, REFRESH_MS);
})();
