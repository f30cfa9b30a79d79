/**
 * Every drop-down of the app goes through this module. Atlaskit's Select is heavy, so it is loaded
 * on demand (SelectControl.tsx); until it arrives a box of the same size holds its place, so the
 * form does not jump. `SelectField` covers the common case (a list of string values with labels,
 * one chosen).
 */
import { createContext, lazy, Suspense, useContext, type ReactElement } from 'react';

// `lazy` drops the component's type parameter; the module's default export is this generic one.
const SelectControl = lazy(() => import('./SelectControl')) as unknown as <V extends string>(
  props: SelectFieldProps<V>,
) => ReactElement;

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

export type SelectFieldProps<V extends string> = Named & {
  options: readonly SelectChoice<V>[];
  value: V;
  onChange: (value: V) => void;
  placeholder?: string;
  isInvalid?: boolean;
  describedBy?: string;
  isDisabled?: boolean;
  /** The control's width in CSS (Select otherwise grows with the longest label shown). */
  width?: string;
};

/** Holds a Select's place, at its size, while Select's code loads. */
export function SelectPlaceholder({ width }: { width?: string }) {
  return (
    <div className="popm-select popm-select-loading" style={width ? { width } : undefined} aria-busy="true" />
  );
}

export function SelectField<V extends string>(props: SelectFieldProps<V>) {
  const readOnly = useContext(ReadOnlyContext);
  return (
    <Suspense fallback={<SelectPlaceholder {...(props.width ? { width: props.width } : {})} />}>
      <SelectControl {...props} isDisabled={readOnly || props.isDisabled === true} />
    </Suspense>
  );
}
