import { useState } from 'react';
import { showFlag } from '@forge/bridge';
import type { Result, ResultError } from '../../../src/shared/contract';
import type { FieldErrors } from '../lib/configForm';

export type Checked<V> = { ok: true; value: V } | { ok: false; errors: FieldErrors };

/**
 * The state of a settings form that saves with a revision (admin page, project settings): edits,
 * validation with per-path errors (the server's too), saving, and the confirmation. Both pages
 * share it so a fix to the save flow (conflicts, flags) lands on both.
 */
export function useSettingsForm<F, V, R extends { revision: number }>(opts: {
  /** The form of what the server last sent; recomputed when `source` changes. */
  initial: () => F;
  source: unknown;
  revision: number;
  validate: (form: F) => Checked<V>;
  submit: (value: V, revision: number) => Promise<Result<R>>;
  /** The form of what the server saved. */
  fromSaved: (saved: R) => F;
  savedTitle: string;
  flagPrefix: string;
}) {
  const [form, setForm] = useState<F>(opts.initial);
  const [revision, setRevision] = useState(opts.revision);
  const [errors, setErrors] = useState<FieldErrors>([]);
  const [saveError, setSaveError] = useState<ResultError | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  // Only a new view from the server resets the form, not every render's new closures: reset while
  // rendering when `source` changes (React's "adjusting state when a prop changes").
  const [shownSource, setShownSource] = useState(opts.source);
  if (shownSource !== opts.source) {
    setShownSource(opts.source);
    setForm(opts.initial());
    setRevision(opts.revision);
  }

  const update = (f: (x: F) => F) => {
    setSaved(false);
    setForm(f);
  };

  const check = (): Checked<V> => {
    const v = opts.validate(form);
    setErrors(v.ok ? [] : v.errors);
    return v;
  };

  const save = async () => {
    setSaveError(null);
    const v = check();
    if (!v.ok) return;
    setSaving(true);
    const r = await opts.submit(v.value, revision);
    setSaving(false);
    if (!r.ok) {
      if (r.error.details) setErrors(r.error.details);
      setSaveError(r.error);
      return;
    }
    setForm(opts.fromSaved(r.data));
    setRevision(r.data.revision);
    setSaved(true);
    try {
      showFlag({
        id: `${opts.flagPrefix}-${r.data.revision}`,
        title: opts.savedTitle,
        type: 'success',
        isAutoDismiss: true,
      });
    } catch {
      // The inline confirmation is enough without a host flag.
    }
  };

  return { form, update, revision, errors, saveError, saving, saved, check, save };
}
