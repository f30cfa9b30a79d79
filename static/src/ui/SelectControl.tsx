/**
 * The one module that imports `@atlaskit/select` (about 50 KB gzipped): SelectField loads it on
 * demand, so a surface pays for it only when it shows a drop-down. Pickers that need Select's
 * grouped options (the scope picker) import `Select` from here.
 */
import Select from '@atlaskit/select';
import type { SelectChoice, SelectFieldProps } from './SelectField';

export { Select };

export default function SelectControl<V extends string>({
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
}: SelectFieldProps<V>) {
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
        isDisabled={isDisabled === true}
        isSearchable
        spacing="compact"
        classNamePrefix="popm-select"
        // A menu inside a table cell or a narrow toolbar would otherwise be clipped or push rows.
        menuPortalTarget={typeof document !== 'undefined' ? document.body : null}
      />
    </div>
  );
}
