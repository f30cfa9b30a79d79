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
import { DIGEST_TEXT as T } from './digest-text';

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
    <Section title={T.title}>
      <p className="popm-muted">{T.intro}</p>
      <div className="popm-toolbar">
        <div className="popm-field">
          <label>
            <input
              type="checkbox"
              checked={digest.enabled}
              onChange={(e) => onChange({ ...digest, enabled: e.target.checked })}
            />{' '}
            {T.enabled}
          </label>
          <FieldErrorList errors={errorsUnder(errors, 'digest.enabled')} />
        </div>
        <div className="popm-field">
          <label htmlFor={`${id}-threshold`}>{T.threshold}</label>
          <input
            id={`${id}-threshold`}
            type="number"
            inputMode="numeric"
            min={DIGEST_THRESHOLD_DAYS.min}
            max={DIGEST_THRESHOLD_DAYS.max}
            step={1}
            value={digest.thresholdDays}
            onChange={(e) => onChange({ ...digest, thresholdDays: e.target.value })}
          />
          <FieldErrorList errors={errorsUnder(errors, 'digest.thresholdDays')} />
        </div>
      </div>
      <p role="status" data-testid="digest-last">
        {status.state === 'ok'
          ? status.data.last
            ? T.last(dateTime(status.data.last.at), status.data.last.recipients)
            : T.never
          : status.state === 'error'
            ? T.statusError
            : null}
      </p>
      {canEdit && (
        <div className="popm-toolbar">
          <Button appearance="default" isDisabled={sending} onClick={() => void send()}>
            {sending ? T.sending : T.sendNow}
          </Button>
          <span className="popm-muted">{T.sendNowHint}</span>
        </div>
      )}
      {outcome?.ok === true && (
        <SectionMessage appearance="success">
          <p data-testid="digest-result">
            {T.result(outcome.run)}
            {outcome.run.continuing ? ` ${T.continuing(outcome.run.continuing)}` : ''}
          </p>
        </SectionMessage>
      )}
      {outcome?.ok === false && <ErrorMessage error={outcome.error} />}
    </Section>
  );
}
