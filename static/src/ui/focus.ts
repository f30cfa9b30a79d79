/**
 * Focus across an in-place update: the control a person used may be replaced (Accept becomes
 * Revoke) or stay; either way focus must not fall to <body>. Ask before the update with the
 * `data-action`s to try in order; once the new view has rendered, the first one present gets
 * focus if focus was lost.
 */
import { useCallback, useEffect, useRef, type RefObject } from 'react';

export function useFocusAfterUpdate(root: RefObject<HTMLElement | null>, version: unknown) {
  const pending = useRef<readonly string[] | null>(null);
  useEffect(() => {
    const actions = pending.current;
    const el = root.current;
    if (!actions || !el) return;
    pending.current = null;
    const active = document.activeElement;
    if (active && active !== document.body && el.contains(active)) return;
    for (const a of actions) {
      const target = el.querySelector<HTMLElement>(`[data-action="${a}"]`);
      if (target) {
        target.focus();
        return;
      }
    }
  }, [root, version]);
  return useCallback((actions: readonly string[]) => {
    pending.current = actions;
  }, []);
}
