/** A confirmation before a destructive action, saying what will change. */
import { lazy, Suspense, useRef, type ReactNode } from 'react';

export interface ConfirmProps {
  title: string;
  /** What will change, in words the person can check before going on. */
  children: ReactNode;
  confirmLabel: string;
  /** `data-action` of the confirming button, for tests and the local host's contract. */
  confirmAction: string;
  onConfirm: () => void;
  onCancel: () => void;
}

const ConfirmModal = lazy(() => import('./ConfirmModal'));

/**
 * Renders nothing until opened; the dialog's code is fetched the first time it is. Focus is ours
 * to place, not the dialog's: cancelling gives it back to the control that opened the dialog;
 * confirming leaves it to the caller, whose control usually changes or goes with the write.
 */
export function Confirm(props: ConfirmProps & { open: boolean }) {
  const opener = useRef<HTMLElement | null>(null);
  if (!props.open) {
    opener.current = null;
    return null;
  }
  if (!opener.current && document.activeElement instanceof HTMLElement)
    opener.current = document.activeElement;
  const { open: _open, onCancel, ...rest } = props;
  return (
    <Suspense fallback={null}>
      <ConfirmModal
        {...rest}
        onCancel={() => {
          const back = opener.current;
          onCancel();
          // After the dialog has gone, or its focus lock would take focus back.
          setTimeout(() => back?.focus(), 0);
        }}
      />
    </Suspense>
  );
}
