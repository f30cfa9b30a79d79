/**
 * Every drop-down of the app goes through this module: Atlaskit's Select is heavy, and one import
 * site lets the bundle load it lazily in one place. `SelectField` covers the common case (a list of
 * string values with labels, one chosen); `Select` is there for grouped or richer pickers.
 */
import { createContext, useContext } from 'react';
import Select from '@atlaskit/select';

export { Select };

/**
 * A settings form that may not be edited says so here: the native `<fieldset disabled>` around it
 * disables Select's input but not the mouse opening its menu.
 */
export const ReadOnlyContext = createContext(false);

export interface SelectChoice<V extends string> {
  value: V;
  label: string;
}

interface Named {
  /** The id a visible `<label htmlFor>` points at (the Select's input gets it). */
  inputId?: string;
  /** The accessible name when there is no visible label. */
  ariaLabel?: string;
}

export function SelectField<V extends string>({
  inputId,
  ariaLabel,
  options,
  value,
  onChange,
  placeholder,
  isInvalid,
  describedBy,
  isDisabled,
  width,
}: Named & {
  options: readonly SelectChoice<V>[];
  value: V;
  onChange: (value: V) => void;
  placeholder?: string;
  isInvalid?: boolean;
  describedBy?: string;
  isDisabled?: boolean;
  /** The control's width in CSS (Select otherwise grows with the longest label shown). */
  width?: string;
}) {
  const readOnly = useContext(ReadOnlyContext);
  const chosen = options.find((o) => o.value === value) ?? null;
  return (
    <div className="popm-select" style={width ? { width } : undefined}>
      <Select<SelectChoice<V>>
        {...(inputId ? { inputId } : {})}
        {...(ariaLabel ? { label: ariaLabel } : {})}
        {...(describedBy ? { descriptionId: describedBy } : {})}
        options={options}
        value={chosen}
        onChange={(o) => {
          if (o) onChange(o.value);
        }}
        {...(placeholder ? { placeholder } : {})}
        isInvalid={isInvalid === true}
        isDisabled={readOnly || isDisabled === true}
        isSearchable
        spacing="compact"
        classNamePrefix="popm-select"
        // A menu inside a table cell or a narrow toolbar would otherwise be clipped or push rows.
        menuPortalTarget={typeof document !== 'undefined' ? document.body : null}
      />
    </div>
  );
}
