/** A confirmation before a destructive action, saying what will change. */
import { lazy, Suspense, type ReactNode } from 'react';

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

/** Renders nothing until opened; the dialog's code is fetched the first time it is. */
export function Confirm(props: ConfirmProps & { open: boolean }) {
  if (!props.open) return null;
  const { open: _open, ...rest } = props;
  return (
    <Suspense fallback={null}>
      <ConfirmModal {...rest} />
    </Suspense>
  );
}
