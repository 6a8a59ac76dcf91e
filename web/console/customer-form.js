// The customer form, for creating (with the choice of type) and editing (type fixed): its
// fields by group, and the request body it makes.
import { h, tx } from '/dom.js';
import { field } from '/forms.js';

const SALUTATIONS = ['ms', 'mr'];

function customerFields(formId, c = {}) {
  const a = c.address || {};
  const salutationOptions = [{ value: '', labelKey: 'salutation.none' },
    ...SALUTATIONS.map((s) => ({ value: s, labelKey: `salutation.${s}` }))];
  if (c.salutation && !SALUTATIONS.includes(c.salutation)) {
    salutationOptions.push({ value: c.salutation, labelKey: `salutation.${c.salutation}` });
  }
  const f = (spec) => field(formId, spec);
  return {
    person: [
      f({ name: 'salutation', labelKey: 'customer.salutation', type: 'select', options: salutationOptions, value: c.salutation || '' }),
      f({ name: 'title', labelKey: 'customer.title', autocomplete: 'honorific-prefix', value: c.title }),
      f({ name: 'firstName', labelKey: 'customer.firstName', required: true, autocomplete: 'given-name', value: c.firstName }),
      f({ name: 'lastName', labelKey: 'customer.lastName', required: true, autocomplete: 'family-name', value: c.lastName }),
      f({ name: 'dateOfBirth', labelKey: 'customer.dateOfBirth', type: 'date', autocomplete: 'bday', value: c.dateOfBirth }),
    ],
    company: [
      f({ name: 'companyName', labelKey: 'customer.companyName', required: true, autocomplete: 'organization', value: c.companyName, wide: true }),
      f({ name: 'legalForm', labelKey: 'customer.legalForm', hintKey: 'customer.legalFormHint', value: c.legalForm }),
      f({ name: 'registerNumber', labelKey: 'customer.registerNumber', hintKey: 'customer.registerNumberHint', value: c.registerNumber }),
      f({ name: 'vatId', labelKey: 'customer.vatId', hintKey: 'customer.vatIdHint', value: c.vatId }),
      f({ name: 'contactFirstName', labelKey: 'customer.contactFirstName', required: true, autocomplete: 'given-name', value: c.contactFirstName }),
      f({ name: 'contactLastName', labelKey: 'customer.contactLastName', required: true, autocomplete: 'family-name', value: c.contactLastName }),
    ],
    contact: [
      f({ name: 'email', labelKey: 'customer.email', type: 'email', required: true, autocomplete: 'email', value: c.email, hintKey: 'customer.emailHint' }),
      f({ name: 'mobile', labelKey: 'customer.mobile', type: 'tel', autocomplete: 'tel', value: c.mobile, hintKey: 'customer.mobileHint' }),
      f({
        name: 'language', labelKey: 'customer.language', type: 'select', value: c.language || 'de', hintKey: 'customer.languageHint',
        options: [{ value: 'de', labelKey: 'language.de' }, { value: 'en', labelKey: 'language.en' }],
      }),
    ],
    address: [
      f({ name: 'address.street', labelKey: 'address.street', autocomplete: 'street-address', value: a.street, wide: true }),
      f({ name: 'address.postalCode', labelKey: 'address.postalCode', autocomplete: 'postal-code', value: a.postalCode }),
      f({ name: 'address.city', labelKey: 'address.city', autocomplete: 'address-level2', value: a.city }),
      f({ name: 'address.country', labelKey: 'address.country', autocomplete: 'country', value: a.country, hintKey: 'address.countryHint', maxlength: '2' }),
    ],
  };
}

/**
 * Builds the customer form. mode 'create' shows the type choice; 'edit' shows the fixed type.
 * Returns {form, fields (all), body() -> request body, setType, typeOf, fill(customer)}.
 */
export function customerForm({ mode, customer = {}, idPrefix }) {
  const groups = customerFields(idPrefix, customer);
  const all = [...groups.person, ...groups.company, ...groups.contact, ...groups.address];
  let type = customer.type || 'person';

  const personSet = h('fieldset', { class: 'grid', dataset: { group: 'person' } },
    tx('legend', 'customer.personData'), groups.person.map((f) => f.wrap));
  const companySet = h('fieldset', { class: 'grid', dataset: { group: 'company' } },
    tx('legend', 'customer.companyData'), groups.company.map((f) => f.wrap));
  const contactSet = h('fieldset', { class: 'grid' },
    tx('legend', 'customer.contactData'), groups.contact.map((f) => f.wrap));
  const addressSet = h('fieldset', { class: 'grid', 'aria-describedby': `${idPrefix}-address-hint` },
    tx('legend', 'customer.address'),
    tx('p', 'customer.addressHint', null, { id: `${idPrefix}-address-hint`, class: 'field-hint field-wide' }),
    groups.address.map((f) => f.wrap));

  let typeChoice;
  if (mode === 'create') {
    typeChoice = h('fieldset', { class: 'type-choice' },
      h('legend', { class: 'required' }, tx('span', 'customer.type')),
      h('div', { class: 'choices' }, ['person', 'company'].map((tp) => h('div', { class: 'choice' },
        h('input', {
          type: 'radio', name: 'type', id: `${idPrefix}-type-${tp}`, value: tp, checked: tp === type,
          onchange: () => setType(tp),
        }),
        tx('label', `customerType.${tp}`, null, { for: `${idPrefix}-type-${tp}` })))));
  } else {
    typeChoice = h('p', { class: 'type-fixed' }, tx('span', 'customer.type'), ': ',
      tx('strong', `customerType.${type}`));
  }

  function setType(tp) {
    type = tp;
    personSet.hidden = tp !== 'person';
    companySet.hidden = tp !== 'company';
  }
  setType(type);

  function fill(c) {
    const a = c.address || {};
    for (const f of all) {
      const v = f.name.startsWith('address.') ? a[f.name.slice(8)] : c[f.name];
      if (f.input.tagName === 'SELECT' && f.name === 'language') f.input.value = v || 'de';
      else f.input.value = v ?? '';
    }
  }

  function body() {
    const get = (f) => f.input.value.trim();
    const out = { type };
    const active = [...(type === 'person' ? groups.person : groups.company), ...groups.contact];
    for (const f of active) {
      const v = get(f);
      const required = f.input.getAttribute('aria-required') === 'true';
      if (v !== '' || required) out[f.name] = v;
    }
    const address = {};
    for (const f of groups.address) {
      const v = get(f);
      if (v !== '') address[f.name.slice(8)] = f.name === 'address.country' ? v.toUpperCase() : v;
    }
    if (Object.keys(address).length) out.address = address;
    return out;
  }

  const form = h('form', { class: 'customer-form', novalidate: true },
    tx('p', 'form.requiredNote', null, { class: 'muted' }),
    typeChoice, personSet, companySet, contactSet, addressSet);
  return { form, fields: all, body, setType, typeOf: () => type, fill };
}
