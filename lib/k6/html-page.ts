/**
 * Reads an HTML page into the plain data a login walk decides on (lib/core/http-types.ts
 * `HtmlPage`), with k6's own HTML parser (`k6/html`, native code: no JavaScript parser in the
 * VU). No decisions here: which form is the login form is lib/core/auth/oidc/forms.ts's call.
 * `k6/html` is required at init only by a run that reads pages (the code flow, a CSRF token in
 * HTML): importing a k6 module costs every VU memory, used or not.
 */
import type * as K6Html from 'k6/html';
import type { Selection } from 'k6/html';
import type { FormField, HtmlForm, HtmlPage } from '../core/http-types.ts';
import { profile } from './config.ts';

const html: typeof K6Html | undefined =
  profile.mode === 'authorization-code' || profile.csrf?.from === 'html'
    ? (require('k6/html') as typeof K6Html)
    : undefined;

/** The page's forms, each marked with the roles whose CSS selector it matches, and its meta tags. */
export function readPage(body: string, selectors: Readonly<Record<string, string>>): HtmlPage {
  if (html === undefined) {
    throw new Error(
      `Cannot read a page; reason: expected a run that reads pages (authorization-code mode, or a CSRF token from html), got mode ${profile.mode}`,
    );
  }
  const doc = html.parseHTML(body);
  const forms = doc
    .find('form')
    .toArray()
    .map(
      (form): HtmlForm => ({
        action: form.attr('action') ?? '',
        method: (form.attr('method') ?? 'get').toLowerCase(),
        fields: form.find('input, button, select, textarea').toArray().flatMap(readField),
        roles: Object.keys(selectors).filter((role) => form.is(selectors[role] as string)),
      }),
    );
  const meta: Record<string, string> = {};
  for (const tag of doc.find('meta[name]').toArray()) {
    const name = tag.attr('name') as string;
    if (!(name in meta)) meta[name] = tag.attr('content') ?? '';
  }
  return { forms, meta };
}

/**
 * A control as plain data; nameless controls are left out (a browser sends nothing for them),
 * except buttons: their label still tells "Allow" from "Deny" (name '').
 */
function readField(control: Selection): FormField[] {
  if (control.attr('disabled') !== undefined) return [];
  const name = control.attr('name') ?? '';
  if (control.is('button')) {
    const type = (control.attr('type') ?? 'submit').toLowerCase();
    const label = control.text().trim().replace(/\s+/g, ' ');
    return [{ name, type, value: control.attr('value') ?? '', checked: true, label }];
  }
  if (name === '' && (control.attr('type') ?? '').toLowerCase() !== 'submit') return [];
  if (control.is('select')) {
    const option = control.find('option[selected]').first();
    const chosen = option.size() > 0 ? option : control.find('option').first();
    const value = chosen.attr('value') ?? chosen.text().trim();
    return [{ name, type: 'select', value, checked: true }];
  }
  if (control.is('textarea'))
    return [{ name, type: 'textarea', value: control.text(), checked: true }];
  const type = (control.attr('type') ?? 'text').toLowerCase();
  const checkable = type === 'checkbox' || type === 'radio';
  const value = control.attr('value') ?? (checkable ? 'on' : '');
  const checked = !checkable || control.attr('checked') !== undefined;
  const field: FormField = { name, type, value, checked };
  if (type === 'submit') field.label = value;
  return [field];
}
