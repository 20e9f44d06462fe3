// The local web chat: renders the advisor's neutral replies as HTML. All text is escaped before the few
// markdown marks (**bold**, _italic_, ``` blocks) are turned into tags, so nothing a user typed becomes markup.
const log = document.getElementById('log');
const form = document.getElementById('composer');
const input = document.getElementById('message');

const userId = localStorage.getItem('advisor-user') ?? `web-${crypto.randomUUID()}`;
localStorage.setItem('advisor-user', userId);

function escapeHtml(s) {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function markdown(text) {
  const blocks = text.split('```');
  return blocks
    .map((block, i) => {
      const safe = escapeHtml(block);
      if (i % 2 === 1) return `<pre>${safe.replace(/^\n/, '')}</pre>`;
      return safe
        .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
        .replace(/(^|[\s(])_(.+?)_(?=[\s).,:;!?]|$)/gm, '$1<em>$2</em>')
        .replace(/\n/g, '<br>');
    })
    .join('');
}

function addMessage(kind, html) {
  const div = document.createElement('div');
  div.className = `msg ${kind}`;
  div.innerHTML = html;
  log.append(div);
  div.scrollIntoView({ block: 'end' });
  return div;
}

function renderReply(reply) {
  const div = addMessage(`bot${reply.audience === 'channel' ? ' shared' : ''}`, markdown(reply.text));
  if (reply.links?.length) {
    const ul = document.createElement('ul');
    ul.className = 'links';
    for (const link of reply.links) {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = link.url;
      a.textContent = link.label;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      li.append(a);
      ul.append(li);
    }
    div.append(ul);
  }
  if (reply.file) {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([reply.file.content], { type: reply.file.mimeType }));
    a.download = reply.file.name;
    a.textContent = `Download ${reply.file.name}`;
    div.append(a);
  }
  if (reply.context) {
    const small = document.createElement('small');
    small.className = 'context';
    small.textContent = reply.context;
    div.append(small);
  }
  if (reply.buttons?.length) {
    const row = document.createElement('div');
    row.className = 'buttons';
    for (const b of reply.buttons) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = b.label;
      if (b.style) button.classList.add(b.style);
      button.addEventListener('click', () => send({ action: b.action }, b.label));
      row.append(button);
    }
    div.append(row);
  }
}

async function send(payload, shown) {
  addMessage('user', escapeHtml(shown));
  try {
    const res = await fetch('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: userId, locale: navigator.language, ...payload }),
    });
    const body = await res.json();
    if (!res.ok) {
      addMessage('bot error', escapeHtml(body.error ?? `Error ${res.status}`));
      return;
    }
    for (const reply of body.replies) renderReply(reply);
  } catch (e) {
    addMessage('bot error', escapeHtml(`The advisor could not be reached: ${e.message}`));
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  void send({ text }, text);
});
