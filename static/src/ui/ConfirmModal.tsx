/**
 * Atlaskit's modal dialog asking before a destructive action. A chunk of its own (see Confirm):
 * only someone about to revoke or remove ever loads it. The dialog traps focus while open;
 * where focus goes when it closes is Confirm's to decide.
 */
import Button from '@atlaskit/button/new';
import Modal, { ModalBody, ModalFooter, ModalHeader, ModalTitle } from '@atlaskit/modal-dialog';
import type { ConfirmProps } from './Confirm';
import { t } from '../i18n';

export default function ConfirmModal(props: ConfirmProps) {
  return (
    <Modal
      onClose={props.onCancel}
      width="small"
      testId="popm-confirm"
      label={props.title}
      shouldReturnFocus={false}
    >
      <ModalHeader>
        <ModalTitle appearance="danger">{props.title}</ModalTitle>
      </ModalHeader>
      <ModalBody>{props.children}</ModalBody>
      <ModalFooter>
        <Button appearance="subtle" onClick={props.onCancel}>
          {t('common.cancel')}
        </Button>
        <Button appearance="danger" onClick={props.onConfirm} data-action={props.confirmAction} autoFocus>
          {props.confirmLabel}
        </Button>
      </ModalFooter>
    </Modal>
  );
}
