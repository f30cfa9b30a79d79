/** The project page's scope picker: a sprint or fix version of the project, or the whole project. */
import { useId } from 'react';
import { Select } from '../ui/SelectControl';
import type { ScopeChoices } from '../../../src/shared/contract';
import { optionFor, SCOPE_TEXT, scopeGroups, type ScopeOption, type ScopeParams } from '../lib/scope';

export function ScopePicker({
  scope,
  choices,
  onChange,
}: {
  scope: ScopeParams;
  choices: ScopeChoices | undefined;
  onChange: (next: ScopeParams) => void;
}) {
  const id = useId();
  return (
    <div className="popm-scope" data-scope-picker="">
      <label htmlFor={id}>{SCOPE_TEXT.picker}</label>
      <div className="popm-scope-select">
        <Select<ScopeOption>
          inputId={id}
          classNamePrefix="popm-scope"
          options={choices ? scopeGroups(choices) : []}
          value={optionFor(scope, choices)}
          isClearable
          isLoading={!choices}
          placeholder={SCOPE_TEXT.placeholder}
          onChange={(option) => onChange(option ? option.scope : {})}
          spacing="compact"
        />
      </div>
    </div>
  );
}
