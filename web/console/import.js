// Import screen: choose a CSV file, check it (dry run: a table of errors by row and field),
// start the import, follow its progress until done, and download the rows that failed as CSV
// to correct them: the server's `failedRows` (it parsed the file; formula cells neutralised).
import { h, tx, mount, showMessage, clearMessage, liveRegion } from '/dom.js';
import { t } from '/i18n.js';
import { api, seg, uuid } from '/api.js';
import { currentRoute, onLeave } from '/console/navigation.js';
import { showError } from '/console/errors.js';
import { fieldErrorText } from '/forms.js';

const POLL_MS = 1000;

function errorsTable(errors) {
  return h('table', { class: 'list-table', id: 'import-errors' },
    tx('caption', 'import.errorsCaption'),
    h('thead', {}, h('tr', {},
      tx('th', 'import.row', null, { scope: 'col' }),
      tx('th', 'import.field', null, { scope: 'col' }),
      tx('th', 'import.message', null, { scope: 'col' }))),
    h('tbody', {}, errors.map((e) => h('tr', {},
      h('td', {}, e.row === 0 ? t('import.header') : String(e.row)),
      h('td', {}, columnCell(e.field)),
      h('td', {}, messageCell(e))))));
}

/** The column as the file names it (the server answers with the header's name); the row or
 * the file as a whole, or an unnamed column by its number, in words. */
function columnCell(field) {
  if (field === 'row') return tx('span', 'import.wholeRow');
  if (field === 'file') return tx('span', 'import.wholeFile');
  const unnamed = /^column (\d+)$/.exec(field || '');
  return unnamed ? tx('span', 'import.column', { n: unnamed[1] }) : field;
}

/** The text of the error's code, in the console's language (the server's English message
 * only for a code this console does not know yet). */
function messageCell(e) {
  const text = fieldErrorText(e);
  return typeof text === 'object' ? tx('span', text.key, text.args) : text;
}

/** The errors, and a link to download the failed rows as the server wrote them (none where
 * the answer has none: a file the server could not read as a whole). A byte order mark in
 * front, so that Excel reads the UTF-8 as such (the import skips it). */
function showErrors(view, errors, failedRows) {
  if (view.href) URL.revokeObjectURL(view.href);
  view.href = null;
  if (!errors.length) { mount(view.errors); return; }
  if (typeof failedRows !== 'string') { mount(view.errors, errorsTable(errors)); return; }
  view.href = URL.createObjectURL(new Blob(['\uFEFF', failedRows], { type: 'text/csv;charset=utf-8' }));
  mount(view.errors, errorsTable(errors),
    h('p', {}, h('a', { href: view.href, download: 'failed-rows.csv', id: 'import-failed', i18n: 'import.downloadFailed' })));
}

function showProgress(view, job) {
  const done = job.created + job.failed;
  const percent = job.rows ? Math.round((100 * done) / job.rows) : 100;
  view.bar.value = percent;
  view.bar.textContent = `${percent} %`;
  mount(view.progressText, tx('span', job.status === 'done' ? 'import.done' : 'import.progress',
    { percent, created: job.created, failed: job.failed, rows: job.rows }));
  showErrors(view, job.errors, job.failedRows);
}

/** Polls GET /imports/{id} until the import is done or the screen is left. */
function follow(view, id, seq) {
  let timer = null;
  const stop = () => { if (timer) clearTimeout(timer); timer = null; };
  onLeave(seq, stop);
  const poll = async () => {
    try {
      const { data } = await api(`/imports/${seg(id)}`);
      if (seq !== currentRoute()) return;
      showProgress(view, data);
      if (data.status !== 'done') timer = setTimeout(poll, POLL_MS);
    } catch (err) {
      showError(view.msg, err);
    }
  };
  poll();
}

async function send(view, dryRun) {
  const path = dryRun ? '/imports?dryRun=true' : '/imports';
  const headers = { 'Content-Type': 'text/csv' };
  if (!dryRun) headers['Idempotency-Key'] = view.key;
  return api(path, { method: 'POST', raw: view.buffer, headers });
}

async function check(view) {
  clearMessage(view.msg);
  mount(view.errors);
  view.start.disabled = true;
  try {
    const { data } = await send(view, true);
    showMessage(view.msg, { kind: data.errors.length ? 'error' : 'success',
      key: data.errors.length ? 'import.checkedErrors' : 'import.checkedOk',
      args: { rows: data.rows, valid: data.valid } });
    showErrors(view, data.errors, data.failedRows);
    view.start.disabled = data.errors.length > 0 || data.rows === 0;
  } catch (err) {
    showError(view.msg, err, { 413: 'import.tooLarge', 422: 'import.fileRefused' });
    if (err.status === 422) showErrors(view, err.errors);
  }
}

async function start(view, seq) {
  view.start.disabled = true;
  view.check.disabled = true;
  clearMessage(view.msg);
  try {
    const { data } = await send(view, false);
    view.progress.hidden = false;
    follow(view, data.id, seq);
  } catch (err) {
    showError(view.msg, err, { 413: 'import.tooLarge', 422: 'import.fileRefused' });
    if (err.status === 422) showErrors(view, err.errors);
    view.check.disabled = false;
  }
}

function controls() {
  const file = h('input', { type: 'file', id: 'import-file', accept: '.csv,.txt,text/csv,text/plain' });
  const check = h('button', { type: 'button', class: 'secondary', i18n: 'import.check', disabled: true });
  const start = h('button', { type: 'button', class: 'primary', i18n: 'import.start', disabled: true });
  const bar = h('progress', { id: 'import-bar', max: '100', value: '0' });
  const progressText = h('p', { id: 'import-progress-text', role: 'status' });
  const progress = h('div', { class: 'card', hidden: true },
    tx('label', 'import.progressLabel', null, { for: 'import-bar' }), bar, progressText);
  return { file, check, start, bar, progressText, progress, errors: h('div'), msg: liveRegion() };
}

export async function renderImport(main) {
  const seq = currentRoute();
  const view = controls();
  mount(main,
    tx('h1', 'import.title'),
    tx('p', 'import.intro'),
    view.msg,
    h('div', { class: 'card' },
      h('div', { class: 'field' }, tx('label', 'import.file', null, { for: 'import-file' }), view.file),
      h('div', { class: 'actions' }, view.check, view.start)),
    view.progress,
    view.errors);
  view.file.addEventListener('change', async () => {
    const chosen = view.file.files[0];
    view.check.disabled = !chosen;
    view.start.disabled = true;
    if (!chosen) return;
    view.buffer = await chosen.arrayBuffer();
    view.key = uuid();
    await check(view);
  });
  view.check.addEventListener('click', () => check(view));
  view.start.addEventListener('click', () => start(view, seq));
}
