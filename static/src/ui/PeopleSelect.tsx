/**
 * The people picker proper: Atlaskit's async Select searching Jira's users through the
 * `searchUsers` resolver (as the signed-in user, so Jira decides whom they may see). Atlaskit
 * handles arrow keys, focus and announcements. Loaded on demand by `UserPicker`: react-select
 * is heavy and most views never pick a person.
 */
import { useRef, useState } from 'react';
import Avatar from '@atlaskit/avatar';
import { AsyncSelect } from '@atlaskit/select';
import type { OwnerView, ResultError } from '../../../src/shared/contract';
import { api } from '../api';
import { ErrorMessage } from './states';
import type { UserPickerProps } from './UserPicker';
import { t } from '../i18n';

interface PersonOption {
  value: string;
  label: string;
  user: OwnerView | undefined;
}

/** Typing a name sends one search when the typing pauses, not one per key. */
const DEBOUNCE_MS = 250;

function PersonLabel({ option }: { option: PersonOption }) {
  return (
    <span className="popm-person" data-account-id={option.value}>
      <Avatar size="xxsmall" src={option.user?.avatarUrl} name={option.label} />
      <span>
        {option.label}
        {option.user && !option.user.active && ` ${t('picker.inactive')}`}
        {!option.user && ` ${t('picker.unknown')}`}
      </span>
    </span>
  );
}

export default function PeopleSelect(props: UserPickerProps) {
  const [error, setError] = useState<ResultError | null>(null);
  // People met in searches: a chosen person keeps their name after the menu closes.
  const [met, setMet] = useState<ReadonlyMap<string, OwnerView>>(
    () => new Map((props.known ?? []).map((u) => [u.accountId, u])),
  );
  const latest = useRef(0);

  const option = (accountId: string): PersonOption => {
    const user = met.get(accountId) ?? props.known?.find((u) => u.accountId === accountId);
    return { value: accountId, label: user?.displayName ?? accountId, user };
  };

  const loadOptions = async (input: string): Promise<PersonOption[]> => {
    const query = input.trim();
    const ticket = ++latest.current;
    if (query === '') return [];
    await new Promise((r) => setTimeout(r, DEBOUNCE_MS));
    // A newer keystroke superseded this one; AsyncSelect only shows the newest answer anyway.
    if (ticket !== latest.current) return [];
    const r = await api.searchUsers(props.issueKey ? { query, issueKey: props.issueKey } : { query });
    if (!r.ok) {
      setError(r.error);
      return [];
    }
    setError(null);
    setMet((m) => new Map([...m, ...r.data.map((u) => [u.accountId, u] as const)]));
    return r.data.map((u) => ({ value: u.accountId, label: u.displayName, user: u }));
  };

  const common = {
    inputId: props.inputId,
    'aria-label': props.inputId ? undefined : props.label,
    loadOptions,
    cacheOptions: true,
    defaultOptions: false,
    isDisabled: props.isDisabled,
    placeholder: props.placeholder ?? t('picker.placeholder'),
    formatOptionLabel: (o: PersonOption) => <PersonLabel option={o} />,
    noOptionsMessage: ({ inputValue }: { inputValue: string }) =>
      inputValue.trim() === ''
        ? t('picker.placeholder')
        : t('picker.nobodyFound', { query: inputValue.trim() }),
    loadingMessage: () => t('picker.searching'),
    autoFocus: props.autoFocus,
    menuPortalTarget: document.body,
    styles: { menuPortal: (base: object) => ({ ...base, zIndex: 600 }) },
  };

  return (
    <div className="popm-picker" data-picker={props.label}>
      {props.mode === 'multi' ? (
        <AsyncSelect<PersonOption, true>
          {...common}
          isMulti
          value={props.value.map(option)}
          onChange={(v) => props.onChange(v.map((o) => o.value))}
        />
      ) : (
        <AsyncSelect<PersonOption>
          {...common}
          isClearable={props.mode === 'single'}
          value={props.mode === 'single' && props.value ? option(props.value) : null}
          onChange={(o) => {
            if (props.mode === 'single') props.onChange(o?.value ?? '');
            else if (o?.user) props.onPick(o.user);
          }}
        />
      )}
      {error && <ErrorMessage error={error} />}
    </div>
  );
}
