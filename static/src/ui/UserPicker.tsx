/**
 * Every place a person is chosen: owners in the issue panel, delegates and fallback owners in
 * settings. Its Atlaskit Select arrives as a chunk of its own (see PeopleSelect); until then a
 * disabled field of the same size holds the place so the layout does not jump.
 */
import { lazy, Suspense, useId, type ReactNode } from 'react';
import type { OwnerView } from '../../../src/shared/contract';
import { t } from '../i18n';

interface Common {
  label: string;
  /** When a visible <label htmlFor> names the field; otherwise `label` is its accessible name. */
  inputId?: string;
  /** Searches those who may be assigned to this issue's owner field (when the backend narrows). */
  issueKey?: string;
  /** People the value may name, with names and avatars (e.g. ConfigView.people). */
  known?: readonly OwnerView[];
  isDisabled?: boolean;
  placeholder?: string;
  autoFocus?: boolean;
}

export type UserPickerProps = Common &
  (
    | { mode: 'single'; value: string; onChange: (accountId: string) => void }
    | { mode: 'multi'; value: readonly string[]; onChange: (accountIds: string[]) => void }
    /** Picks one person to act on (e.g. make them owner); the field holds no value. */
    | { mode: 'pick'; onPick: (user: OwnerView) => void }
  );

const PeopleSelect = lazy(() => import('./PeopleSelect'));

export function UserPicker(props: UserPickerProps) {
  return (
    <Suspense
      fallback={
        <input
          className="popm-picker-placeholder"
          id={props.inputId}
          aria-label={props.inputId ? undefined : props.label}
          disabled
          placeholder={t('picker.loading')}
        />
      }
    >
      <PeopleSelect {...props} />
    </Suspense>
  );
}

/** A labelled people picker in a form, with whatever goes under it (e.g. the field's errors). */
export function PersonField(props: UserPickerProps & { children?: ReactNode }) {
  const id = useId();
  const { children, ...picker } = props;
  return (
    <div className="popm-field">
      <label htmlFor={id}>{props.label}</label>
      <UserPicker {...picker} inputId={id} />
      {children}
    </div>
  );
}
