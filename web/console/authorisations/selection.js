// What is selected for removal on the authorisations tab: accesses, administrators and
// additional processors (a specialist with one of its business transactions, or with none),
// and the check box that selects one of them.
import { h } from '/dom.js';

const ID_PREFIX = { accesses: 'access', administrators: 'admin', processors: 'proc' };

/** The key of an additional processor: a specialist and a business transaction, or none. */
export function processorKey(specialistId, transactionId = null) {
  return JSON.stringify([specialistId, transactionId]);
}

function domId(key) {
  return String(key).replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`);
}

export class Selection {
  /** onChange() runs whenever a check box changes the selection. */
  constructor(onChange) {
    this.accesses = new Set();
    this.administrators = new Set();
    this.processors = new Set();
    this.onChange = onChange;
  }

  count() {
    return this.accesses.size + this.administrators.size + this.processors.size;
  }

  clear() {
    this.accesses.clear();
    this.administrators.clear();
    this.processors.clear();
  }

  /** Drops selections of items that are gone from auths. */
  prune(auths) {
    const accessIds = new Set(auths.accesses.map((a) => a.id));
    const adminIds = new Set(auths.administrators.map((a) => a.id));
    const pairs = new Set();
    for (const p of auths.additionalProcessors) {
      if (!p.transactions || !p.transactions.length) pairs.add(processorKey(p.specialist.id));
      for (const tr of p.transactions || []) pairs.add(processorKey(p.specialist.id, tr.id));
    }
    for (const k of [...this.accesses]) if (!accessIds.has(k)) this.accesses.delete(k);
    for (const k of [...this.administrators]) if (!adminIds.has(k)) this.administrators.delete(k);
    for (const k of [...this.processors]) if (!pairs.has(k)) this.processors.delete(k);
  }

  /** A check box for key in the group kind ('accesses', 'administrators', 'processors'). */
  box(kind, key, ariaKey, ariaArgs) {
    const set = this[kind];
    const cb = h('input', {
      type: 'checkbox', class: 'select-box', checked: set.has(key),
      id: `sel-${ID_PREFIX[kind]}-${domId(key)}`,
      i18nAttr: { 'aria-label': ariaKey }, i18nArgs: ariaArgs, dataset: { key },
    });
    cb.addEventListener('change', () => {
      if (cb.checked) set.add(key); else set.delete(key);
      this.onChange();
    });
    return cb;
  }
}
