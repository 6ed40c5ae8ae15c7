// Step 3 of the walk-through, as a web client does it on every cloud: ask the users API for a
// signed upload into the owner's folder (POST /users/{id}/uploads), send the file with that
// request straight to the store, then list the owner's compressed copies with their signed URLs
// (GET /users/{id}/images). No bucket route and no credentials in the page.
'use strict';

(() => {
  const { el, getJson, send, problemText, say } = window.kit;

  /** The signed request as given: a PUT with its headers, or S3's POST form (fields, then the file). */
  function sendSigned(upload, file) {
    if (upload.method === 'POST') {
      const form = new FormData();
      for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
      form.append('file', file);
      return fetch(upload.url, { method: 'POST', body: form });
    }
    return fetch(upload.url, { method: upload.method, headers: upload.headers, body: file });
  }

  async function uploadAs(user, file) {
    const asked = await send('POST', '/users/' + encodeURIComponent(user) + '/uploads', { filename: file.name, content_type: file.type, bytes: file.size });
    if (asked.status !== 201) throw new Error(problemText(asked));
    const sent = await sendSigned(asked.json.upload, file);
    if (!sent.ok) throw new Error('the store refused the upload: ' + sent.status);
    return asked.json.key;
  }

  document.getElementById('upload-image').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target;
    const file = form.file.files[0];
    if (!file) return;
    say('upload-result', 'uploading…');
    try {
      const key = await uploadAs(form.user_id.value, file);
      say('upload-result', 'uploaded ' + key + ': its compressed copy appears below once the images function has run', 'good');
    } catch (err) {
      say('upload-result', err.message, 'bad');
    }
    form.file.value = '';
    await window.walkthrough.refresh();
  });

  // The owner's images, from the users API with their signed URLs (a panel of the walk-through).
  window.walkthrough.panels['user-images'] = async () => {
    const user = document.getElementById('upload-user').value;
    if (!user) return el('p', { class: 'muted' }, 'choose an owner');
    const { images } = await getJson('/users/' + encodeURIComponent(user) + '/images');
    if (images.length === 0) return el('p', { class: 'muted' }, 'no images of ' + user + ' yet');
    return el('div', { class: 'thumbs' }, ...images.map((i) => el('figure', {},
      el('img', { src: i.url, alt: 'compressed copy of ' + i.original_key, 'data-image-key': i.key }),
      el('figcaption', {}, i.original_key + ' · ' + i.width + '×' + i.height + ' · ' + Math.round(i.bytes / 1024) + ' KiB'))));
  };
  document.getElementById('upload-user').addEventListener('change', () => window.walkthrough.refresh());
})();
