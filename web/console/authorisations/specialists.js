// The specialist directory as the administrators' and additional processors' dialogs offer it:
// loaded once per dialog, one check box per specialist.
import { h, tx } from '/dom.js';
import { api } from '/api.js';
import { showError } from '/console/errors.js';

/** The specialists, or null after showing why they could not be loaded in dmsg. */
export async function loadSpecialists(dmsg) {
  try {
    const { data } = await api('/specialists');
    return data.items || [];
  } catch (err) {
    showError(dmsg, err);
    return null;
  }
}

export function specialistChoices(prefix, specialists, { checkedIds = new Set(), disabledIds = new Set(), noteKey } = {}) {
  return specialists.map((s) => {
    const inputId = `${prefix}-${s.id}`;
    return h('div', { class: 'choice' },
      h('input', {
        type: 'checkbox', id: inputId, name: 'specialistIds', value: s.id,
        checked: checkedIds.has(s.id), disabled: disabledIds.has(s.id),
      }),
      h('label', { for: inputId }, s.name, ' ', h('span', { class: 'muted' }, `(${s.email})`),
        disabledIds.has(s.id) && noteKey ? h('span', { class: 'muted' }, ' – ', tx('span', noteKey)) : null));
  });
}
