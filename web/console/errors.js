// How the console's screens show a failed request: a message, or field errors on a form.
import { showMessage } from '/dom.js';
import { errorDetail, errorKey } from '/api.js';
import { applyFieldErrors, errorSummaryList } from '/forms.js';

/** Shows an API error in a message region; returns true. */
export function showError(region, err, overrides = {}, actions) {
  if (err && err.status === 401) return true; // handled globally
  // A specific text of ours says it all; under a generic one, on an English page, the
  // server's detail adds what went wrong.
  const key = errorKey(err, overrides);
  showMessage(region, { kind: 'error', key, detail: errorDetail(err, key), actions });
  return true;
}

/** 422: field errors inline, and a summary that links each to its field (focus on the
 * first); everything else: message. */
export function handleFormError(err, fields, msg, overrides = {}) {
  if (err.status === 422 && err.errors.length) {
    showMessage(msg, {
      kind: 'error', key: 'error.422fields', args: { count: err.errors.length },
      actions: [errorSummaryList(fields, err.errors)],
    });
    applyFieldErrors(fields, err.errors);
  } else {
    showError(msg, err, overrides);
  }
}
