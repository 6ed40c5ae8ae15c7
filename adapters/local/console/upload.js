// Step 3 of the walk-through: upload an image into the owner's folder of the originals bucket;
// the images function compresses it and the thumbnail appears in the panel.
'use strict';

(() => {
  const { say } = window.kit;

  document.getElementById('upload-image').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target;
    const file = form.file.files[0];
    if (!file) return;
    const key = form.user_id.value + '/' + file.name;
    const res = await fetch(window.walkthrough.objectUrl('originals', key), { method: 'PUT', body: file, headers: { 'content-type': file.type || 'application/octet-stream' } });
    say('upload-result', res.ok ? 'uploaded ' + key + ': its compressed copy appears below once the images function has run' : 'upload refused: ' + res.status, res.ok ? 'good' : 'bad');
    form.file.value = '';
    await window.walkthrough.refresh();
  });
})();
