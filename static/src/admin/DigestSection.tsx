/** The admin page's digest settings, its history and "send digest now". */
import { useId, useState } from 'react';
import Button from '@atlaskit/button/new';
import SectionMessage from '@atlaskit/section-message';
import type { DigestRunView, ResultError } from '../../../src/shared/contract';
import { DIGEST_THRESHOLD_DAYS } from '../../../src/domain/config';
import { api } from '../api';
import { errorsUnder, type ConfigForm, type FieldErrors } from '../lib/configForm';
import { dateTime } from '../lib/format';
import { FieldErrorList, Section } from '../settings/sections';
import { ErrorMessage } from '../ui/states';
import { useResult } from '../ui/useResult';
import Checkbox from '@atlaskit/checkbox';
import Textfield from '@atlaskit/textfield';
import { t, tp } from '../i18n';

export function DigestSection({
  digest,
  errors,
  canEdit,
  onChange,
}: {
  digest: ConfigForm['digest'];
  errors: FieldErrors;
  canEdit: boolean;
  onChange: (d: ConfigForm['digest']) => void;
}) {
  const id = useId();
  const { value: status, reload } = useResult(() => api.getDigestStatus({}), []);
  const [sending, setSending] = useState(false);
  const [outcome, setOutcome] = useState<
    { ok: true; run: DigestRunView } | { ok: false; error: ResultError }
  >();
  const send = async () => {
    setSending(true);
    const r = await api.sendDigestNow({});
    setSending(false);
    setOutcome(r.ok ? { ok: true, run: r.data } : { ok: false, error: r.error });
    reload();
  };
  return (
    <Section title={t('admin.digest.title')}>
      <p className="popm-muted">{t('admin.digest.intro')}</p>
      <div className="popm-toolbar">
        <div className="popm-field popm-field-check">
          <Checkbox
            label={t('admin.digest.enabled')}
            isChecked={digest.enabled}
            onChange={(e) => onChange({ ...digest, enabled: e.target.checked })}
          />
          <FieldErrorList errors={errorsUnder(errors, 'digest.enabled')} />
        </div>
        <div className="popm-field">
          <label htmlFor={`${id}-threshold`}>{t('admin.digest.threshold')}</label>
          <Textfield
            id={`${id}-threshold`}
            width="small"
            type="number"
            inputMode="numeric"
            min={DIGEST_THRESHOLD_DAYS.min}
            max={DIGEST_THRESHOLD_DAYS.max}
            step={1}
            value={digest.thresholdDays}
            onChange={(e) => onChange({ ...digest, thresholdDays: e.currentTarget.value })}
          />
          <FieldErrorList errors={errorsUnder(errors, 'digest.thresholdDays')} />
        </div>
      </div>
      <p role="status" data-testid="digest-last">
        {status.state === 'ok'
          ? status.data.last
            ? tp('admin.digest.last', status.data.last.recipients, { when: dateTime(status.data.last.at) })
            : t('admin.digest.never')
          : status.state === 'error'
            ? t('admin.digest.statusError')
            : null}
      </p>
      {canEdit && (
        <div className="popm-toolbar">
          <Button appearance="default" isDisabled={sending} onClick={() => void send()}>
            {sending ? t('admin.digest.sending') : t('admin.digest.sendNow')}
          </Button>
          <span className="popm-muted">{t('admin.digest.sendNowHint')}</span>
        </div>
      )}
      {outcome?.ok === true && (
        <SectionMessage appearance="success">
          <p data-testid="digest-result">
            {t('admin.digest.result', {
              sent: outcome.run.sent,
              due: outcome.run.due,
              alreadySent: outcome.run.alreadySent,
              inactive: outcome.run.inactive,
              failed: outcome.run.failed,
            })}
            {outcome.run.continuing
              ? ` ${t('admin.digest.continuing', { count: outcome.run.continuing })}`
              : ''}
          </p>
        </SectionMessage>
      )}
      {outcome?.ok === false && <ErrorMessage error={outcome.error} />}
    </Section>
  );
}
