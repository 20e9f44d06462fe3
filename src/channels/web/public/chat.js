// The local web chat: renders the advisor's neutral replies as HTML. All text is escaped before the few
// markdown marks (**bold**, _italic_, ``` blocks) are turned into tags, so nothing a user typed becomes markup.
const log = document.getElementById('log');
const form = document.getElementById('composer');
const input = document.getElementById('message');

// The page's own few words, in the browser's language (de*, sv*, else English). The advisor's replies come in the
// language the server chooses; the page sends navigator.language as the locale with every message.
const TEXTS = {
  en: {
    title: 'SME internationalisation advisor',
    intro: ['Ask about foreign markets, customs, certification, financing, clusters, skills, digital marketing or strategy, in English, German or Swedish. Type ', '5 whys', ' to find a root cause.'],
    label: 'Message',
    placeholder: 'Type a question, e.g. Do we need CE marking to sell in Norway?',
    send: 'Send',
    submit: 'Submit',
    onlyYou: 'Only you can see this. ',
    download: (name) => `Download ${name}`,
    error: (status) => `Error ${status}`,
    unreachable: (problem) => `The advisor could not be reached: ${problem}`,
    accessLink: 'Open this web chat again through the access link you were given.',
  },
  de: {
    title: 'Internationalisierungsberater für KMU',
    intro: ['Fragen Sie zu Auslandsmärkten, Zoll, Zertifizierung, Finanzierung, Clustern, Kompetenzen, digitalem Marketing oder Strategie, auf Deutsch, Englisch oder Schwedisch. Schreiben Sie ', '5 Warum', ', um eine Grundursache zu finden.'],
    label: 'Nachricht',
    placeholder: 'Ihre Frage, z. B.: Brauchen wir eine CE-Kennzeichnung für den Verkauf in Norwegen?',
    send: 'Senden',
    submit: 'Absenden',
    onlyYou: 'Nur Sie sehen diese Nachricht. ',
    download: (name) => `${name} herunterladen`,
    error: (status) => `Fehler ${status}`,
    unreachable: (problem) => `Der Berater ist nicht erreichbar: ${problem}`,
    accessLink: 'Öffnen Sie diesen Web-Chat erneut über den Zugangslink, den Sie erhalten haben.',
  },
  sv: {
    title: 'Internationaliseringsrådgivare för små och medelstora företag',
    intro: ['Fråga om utländska marknader, tull, certifiering, finansiering, kluster, kompetens, digital marknadsföring eller strategi, på svenska, engelska eller tyska. Skriv ', '5 varför', ' för att hitta en grundorsak.'],
    label: 'Meddelande',
    placeholder: 'Skriv en fråga, t.ex. Behöver vi CE-märkning för att sälja i Norge?',
    send: 'Skicka',
    submit: 'Skicka',
    onlyYou: 'Bara du ser det här. ',
    download: (name) => `Ladda ner ${name}`,
    error: (status) => `Fel ${status}`,
    unreachable: (problem) => `Det gick inte att nå rådgivaren: ${problem}`,
    accessLink: 'Öppna webbchatten igen via åtkomstlänken som du fick.',
  },
};
const browserLang = (navigator.language || '').toLowerCase();
const pageLang = browserLang.startsWith('de') ? 'de' : browserLang.startsWith('sv') ? 'sv' : 'en';
const t = TEXTS[pageLang];

// index.html holds the English words (the page reads without this script); they are replaced here, never by markup.
document.documentElement.lang = pageLang;
document.title = t.title;
for (const node of document.querySelectorAll('[data-text]')) node.textContent = t[node.dataset.text];
input.placeholder = t.placeholder;
{
  const [before, typed, after] = t.intro;
  const bold = document.createElement('b');
  bold.textContent = typed;
  document.getElementById('intro').replaceChildren(before, bold, after);
}

// Who the visitor is, is the server's business: it keeps the identity in an HttpOnly cookie the page never sees.
// An id left by an earlier version of this page means nothing any more.
localStorage.removeItem('advisor-user');

// crypto.randomUUID exists only on https and localhost; getRandomValues everywhere.
function newMessageId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

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

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function base64Bytes(b64) {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

// Forms and choices are submitted as one action whose `fields` carry the answers.
function renderInput(spec, messageId) {
  const formEl = el('form', 'input');
  const controls = [];
  const addField = (id, label, control) => {
    const wrap = el('label', 'field', label);
    wrap.append(control);
    formEl.append(wrap);
    controls.push([id, control]);
  };
  const select = (options, multiple, initial, optional) => {
    const s = document.createElement('select');
    s.multiple = Boolean(multiple);
    // No silent default: a required choice without a value starts empty, so the browser asks for one.
    if (!multiple && (optional || !initial)) s.append(new Option('–', ''));
    for (const o of options) s.append(new Option(o.label, o.value, false, o.value === initial));
    return s;
  };
  if (spec.kind === 'choice') {
    if (spec.budget) {
      for (const o of spec.options) {
        const n = document.createElement('input');
        n.type = 'number';
        n.min = '0';
        n.max = String(spec.budget);
        n.value = '0';
        addField(o.value, o.label, n);
      }
    } else addField('choice', '', select(spec.options, spec.multiple));
  } else {
    for (const f of spec.fields) {
      let control;
      if (f.type === 'select') control = select(f.options, f.multiple, f.initial, f.optional);
      else if (f.type === 'text' && f.multiline) control = document.createElement('textarea');
      else {
        control = document.createElement('input');
        control.type = f.type === 'number' ? 'number' : f.type === 'datetime' ? 'datetime-local' : 'text';
        if (f.type === 'number') Object.assign(control, { min: f.min, max: f.max });
      }
      if (f.type !== 'select' && f.initial) control.value = f.initial;
      if (!f.optional) control.required = true;
      addField(f.id, f.label, control);
    }
  }
  const submit = el('button', 'primary', spec.submit ?? t.submit);
  submit.type = 'submit';
  formEl.append(submit);
  formEl.addEventListener('submit', (event) => {
    event.preventDefault();
    const fields = {};
    for (const [id, control] of controls) fields[id] = control.multiple ? [...control.selectedOptions].map((o) => o.value) : control.value;
    void send({ action: { id: spec.action, value: '', fields }, source: messageId }, spec.submit ?? t.submit);
  });
  return formEl;
}

function fillReply(div, reply, id) {
  div.innerHTML = markdown(reply.text);
  if (reply.audience === 'private') div.prepend(el('small', 'private', t.onlyYou));
  if (reply.facts?.length) {
    const dl = el('dl', 'facts');
    for (const f of reply.facts) dl.append(el('dt', '', f.label), el('dd', '', f.value));
    div.append(dl);
  }
  if (reply.bars?.length) {
    const list = el('div', 'bars');
    for (const b of reply.bars) {
      const row = el('div', 'bar');
      const meter = document.createElement('meter');
      meter.max = Math.max(b.of, 1);
      meter.value = b.value;
      row.append(el('span', 'label', b.label), meter, el('span', 'count', `${b.value} / ${b.of}${b.note ? ` · ${b.note}` : ''}`));
      list.append(row);
    }
    div.append(list);
  }
  if (reply.links?.length) {
    const ul = el('ul', 'links');
    for (const link of reply.links) {
      const a = el('a', '', link.label);
      a.href = link.url;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      const li = el('li');
      li.append(a);
      ul.append(li);
    }
    div.append(ul);
  }
  for (const file of reply.attachments ?? []) {
    const url = URL.createObjectURL(new Blob([base64Bytes(file.base64)], { type: file.mimeType }));
    if (file.mimeType.startsWith('image/')) {
      const img = document.createElement('img');
      img.src = url;
      img.alt = file.alt ?? file.name;
      div.append(img);
    }
    const a = el('a', 'download', t.download(file.name));
    a.href = url;
    a.download = file.name;
    div.append(a);
  }
  if (reply.context) div.append(el('small', 'context', reply.context));
  if (reply.input) div.append(renderInput(reply.input, id));
  if (reply.buttons?.length) {
    const row = el('div', 'buttons');
    for (const b of reply.buttons) {
      const button = el('button', b.style ?? '', b.label);
      button.type = 'button';
      button.addEventListener('click', () => send({ action: b.action, source: id }, b.label));
      row.append(button);
    }
    div.append(row);
  }
}

function renderReply(reply) {
  const div = addMessage(`bot${reply.audience === 'channel' ? ' shared' : ''}`, '');
  if (reply.id) div.dataset.id = reply.id;
  fillReply(div, reply, reply.id);
}

function applyUpdate(update) {
  const div = [...log.querySelectorAll('.msg.bot')].find((d) => d.dataset.id === update.id);
  if (!div) return;
  if (update.deleted) div.remove();
  else fillReply(div, update.message, update.id);
}

// Messages sent outside a turn (reminders, updated cards) wait in the visitor's outbox.
let outboxAfter = localStorage.getItem('advisor-outbox-after') ?? undefined;
async function readOutbox() {
  try {
    const query = new URLSearchParams(outboxAfter ? { after: outboxAfter } : {});
    const res = await fetch(`/api/outbox?${query}`);
    if (!res.ok) return;
    const body = await res.json();
    for (const entry of body.entries) {
      if (entry.kind === 'reply') renderReply({ ...entry.message, id: entry.id });
      else applyUpdate({ id: entry.id, message: entry.message, deleted: entry.kind === 'delete' });
    }
    if (body.next) {
      outboxAfter = body.next;
      localStorage.setItem('advisor-outbox-after', outboxAfter);
    }
  } catch {
    // Offline for a moment: the next poll catches up.
  }
}
void readOutbox();
setInterval(readOutbox, 5000);

// A lost connection is retried this many times, after these pauses, with the same message id: the server answers a
// message it has already answered from what it stored, so nothing is said twice.
const RETRY_PAUSES_MS = [500, 1500];
// While the first attempt is still being answered the server says 409 IN_PROGRESS; the page asks again this often.
const MAX_IN_PROGRESS_WAITS = 20;

// The server's 401 also speaks to API clients; a visitor needs to know what to do in the browser.
const STATUS_HINTS = { 401: t.accessLink };

async function post(body) {
  let networkRetries = 0;
  let waits = 0;
  for (;;) {
    let res;
    try {
      res = await fetch('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    } catch (e) {
      // fetch rejects only when no answer arrived (reset connection, offline): the same message again.
      if (networkRetries >= RETRY_PAUSES_MS.length) throw e;
      await sleep(RETRY_PAUSES_MS[networkRetries++]);
      continue;
    }
    // A proxy's HTML error page has no JSON: keep the status, lose nothing else.
    const json = await res.json().catch(() => ({}));
    if (res.status === 409 && json.code === 'IN_PROGRESS' && waits++ < MAX_IN_PROGRESS_WAITS) {
      await sleep(1000 * (Number(res.headers.get('retry-after')) || 1));
      continue;
    }
    return { res, json };
  }
}

async function send(payload, shown) {
  addMessage('user', escapeHtml(shown));
  try {
    const { res, json } = await post({ id: newMessageId(), locale: navigator.language, ...payload });
    if (!res.ok) {
      // The server's own message (escaped by markdown() like every reply), then what the visitor can do about it.
      const hint = STATUS_HINTS[res.status];
      addMessage('bot error', markdown([json.error ?? t.error(res.status), hint].filter(Boolean).join('\n')));
      return;
    }
    for (const reply of json.replies ?? []) renderReply(reply);
    for (const update of json.updates ?? []) applyUpdate(update);
  } catch (e) {
    addMessage('bot error', escapeHtml(t.unreachable(e.message)));
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  void send({ text }, text);
});
