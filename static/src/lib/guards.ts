/** Narrowing of free strings (form values, host data) to a known union without casts. */
export function oneOf<T extends string>(list: readonly T[], value: string): T | null {
  return list.find((x) => x === value) ?? null;
}
