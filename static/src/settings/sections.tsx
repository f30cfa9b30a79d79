/** Form sections shared by the admin page and the project settings page. */
import { useId, useState, type ReactNode } from 'react';
import Button from '@atlaskit/button/new';
import Checkbox from '@atlaskit/checkbox';
import Textfield from '@atlaskit/textfield';
import Toggle from '@atlaskit/toggle';
import SectionMessage from '@atlaskit/section-message';
import DynamicTable from '@atlaskit/dynamic-table';
import type {
  IssueChange,
  OwnerView,
  PreviewResult,
  ResultError,
  RuleId,
  Severity,
  SiteMeta,
} from '../../../src/shared/contract';
import {
  LEVELS,
  ROLE_LEVELS,
  ROLE_NAMES,
  RULE_IDS,
  SEVERITIES,
  type Level,
  type RoleLevel,
} from '../../../src/domain/types';
import { api } from '../api';
import {
  defaultLevel,
  errorsUnder,
  levelOrEmpty,
  type FieldErrors,
  type DelegateRow,
  type Pair,
  type RoleForm,
  type RuleForm,
} from '../lib/configForm';
import { oneOf } from '../lib/guards';
import { LEVEL_LABEL, LEVEL_PLURAL, percent, SEVERITY_LABEL } from '../lib/format';
import { RULE_TEXT } from '../lib/rules';
import { ErrorMessage } from '../ui/states';
import { IssueLink } from '../ui/IssueLink';
import { SectionTitle, SubTitle } from '../ui/headings';
import { SelectField } from '../ui/SelectField';
import { t, tp, tx } from '../i18n';

// Outside the components: the issue-type rows below name their loop variable `t`.
const defaultLevelOption = (level: Level) =>
  t('settings.levels.defaultOption', { level: LEVEL_LABEL[level] });
const levelOption = (level: Level) => t('settings.levels.option', { label: LEVEL_LABEL[level], level });
import { PersonField } from '../ui/UserPicker';

export function FieldErrorList({ errors, id }: { errors: FieldErrors; id?: string }) {
  if (errors.length === 0) return null;
  return (
    <ul
      className="popm-field-error"
      id={id}
      role="alert"
      data-error-paths={errors.map((e) => e.path).join(' ')}
    >
      {errors.map((e) => (
        <li key={e.path + e.message}>
          {tx('errors.detail', { path: <code>{e.path || t('errors.root')}</code>, message: e.message })}
        </li>
      ))}
    </ul>
  );
}

export function LevelsSection({
  site,
  levels,
  onChange,
  errors,
}: {
  site: SiteMeta;
  levels: Record<string, Level | ''>;
  onChange: (typeId: string, level: Level | '') => void;
  errors: FieldErrors;
}) {
  const id = useId();
  return (
    <FormSection id={id} title={t('settings.levels.legend')}>
      <p className="popm-muted">{t('settings.levels.hint')}</p>
      <table className="popm-table">
        <thead>
          <tr>
            <th scope="col">{t('settings.levels.issueType')}</th>
            <th scope="col">{t('settings.levels.jiraLevel')}</th>
            <th scope="col">{t('settings.levels.popmLevel')}</th>
          </tr>
        </thead>
        <tbody>
          {site.issueTypes.map((t) => {
            const errs = errors.filter(
              (e) => e.path === `levels.${t.id}` || e.path.toLowerCase() === `levels.${t.name.toLowerCase()}`,
            );
            return (
              <tr key={t.id} data-level-type={t.name}>
                <td>
                  <label htmlFor={`${id}-${t.id}`}>{t.name}</label>
                </td>
                <td>{t.hierarchyLevel}</td>
                <td className="popm-field">
                  <SelectField
                    inputId={`${id}-${t.id}`}
                    value={levels[t.id] ?? ''}
                    onChange={(v) => onChange(t.id, levelOrEmpty(v))}
                    options={[
                      { value: '', label: defaultLevelOption(defaultLevel(t.hierarchyLevel, t.subtask)) },
                      ...LEVELS.map((l) => ({ value: l, label: levelOption(l) })),
                    ]}
                  />
                  <FieldErrorList errors={errs} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <FieldErrorList errors={errors.filter((e) => e.path === 'levels')} />
    </FormSection>
  );
}

/**
 * Rows of "something -> owner": a team name or a project, and the person who owns its issues when
 * no field names one. The person is chosen with the people picker, so only real accounts go in.
 */
export function OwnerRows({
  label,
  keyLabel,
  pairs,
  onChange,
  keyOptions,
  people,
}: {
  label: string;
  keyLabel: string;
  pairs: Pair[];
  onChange: (p: Pair[]) => void;
  keyOptions?: { value: string; label: string }[];
  people: readonly OwnerView[];
}) {
  const id = useId();
  const set = (i: number, p: Partial<Pair>) => onChange(pairs.map((x, j) => (j === i ? { ...x, ...p } : x)));
  return (
    <div className="popm-section" role="group" aria-label={label}>
      <SubTitle level={4}>{label}</SubTitle>
      {pairs.map((p, i) => (
        <div className="popm-toolbar" key={i}>
          <div className="popm-field">
            <label htmlFor={`${id}-k${i}`}>{keyLabel}</label>
            {keyOptions ? (
              <SelectField
                inputId={`${id}-k${i}`}
                value={p.key}
                onChange={(key) => set(i, { key })}
                options={[{ value: '', label: t('settings.choose') }, ...keyOptions]}
              />
            ) : (
              <Textfield
                id={`${id}-k${i}`}
                value={p.key}
                onChange={(e) => set(i, { key: e.currentTarget.value })}
              />
            )}
          </div>
          <PersonField
            mode="single"
            label={t('settings.owner')}
            known={people}
            value={p.value}
            onChange={(value) => set(i, { value })}
          />
          <Button
            appearance="subtle"
            aria-label={t('settings.removePair', { what: keyLabel.toLowerCase(), which: p.key || i + 1 })}
            onClick={() => onChange(pairs.filter((_, j) => j !== i))}
          >
            {t('settings.remove')}
          </Button>
        </div>
      ))}
      <Button appearance="subtle" onClick={() => onChange([...pairs, { key: '', value: '' }])}>
        {t('settings.addPair', { what: keyLabel.toLowerCase() })}
      </Button>
    </div>
  );
}

/** Owners and the people who may accept stories on their behalf (site settings). */
export function DelegateRows({
  rows,
  onChange,
  people,
}: {
  rows: DelegateRow[];
  onChange: (rows: DelegateRow[]) => void;
  people: readonly OwnerView[];
}) {
  const set = (i: number, r: Partial<DelegateRow>) =>
    onChange(rows.map((x, j) => (j === i ? { ...x, ...r } : x)));
  const name = (accountId: string) => people.find((p) => p.accountId === accountId)?.displayName ?? accountId;
  return (
    <div className="popm-section" role="group" aria-label={t('settings.delegatesLabel')}>
      {rows.map((r, i) => (
        <div className="popm-toolbar" key={i}>
          <PersonField
            mode="single"
            label={t('settings.owner')}
            known={people}
            value={r.owner}
            onChange={(owner) => set(i, { owner })}
          />
          <PersonField
            mode="multi"
            label={t('settings.mayAccept')}
            known={people}
            value={r.delegates}
            onChange={(delegates) => set(i, { delegates })}
          />
          <Button
            appearance="subtle"
            aria-label={t('settings.removeDelegatesOf', {
              who: r.owner ? name(r.owner) : t('settings.delegateRow', { n: i + 1 }),
            })}
            onClick={() => onChange(rows.filter((_, j) => j !== i))}
          >
            {t('settings.remove')}
          </Button>
        </div>
      ))}
      <Button appearance="subtle" onClick={() => onChange([...rows, { owner: '', delegates: [] }])}>
        {t('settings.addOwner')}
      </Button>
    </div>
  );
}

export function RolesSection({
  site,
  roles,
  onChange,
  errors,
  prefix = 'roles',
  withProjectDefaults = true,
  people,
}: {
  site: SiteMeta;
  people: readonly OwnerView[];
  roles: Record<RoleLevel, RoleForm>;
  onChange: (level: RoleLevel, r: RoleForm) => void;
  errors: FieldErrors;
  prefix?: string;
  withProjectDefaults?: boolean;
}) {
  const id = useId();
  return (
    <FormSection id={id} title={t('settings.roles.legend')}>
      <p className="popm-muted">{t('settings.roles.hint')}</p>
      {ROLE_LEVELS.map((l) => {
        const r = roles[l];
        return (
          <section key={l} className="popm-subsection" aria-labelledby={`${id}-${l}`}>
            <SubTitle id={`${id}-${l}`}>
              {t('settings.roles.role', { role: ROLE_NAMES[l], levels: LEVEL_PLURAL[l] })}
            </SubTitle>
            <div role="group" aria-label={t('settings.roles.fieldsLabel', { role: ROLE_NAMES[l] })}>
              <SubTitle level={4}>{t('settings.roles.userFields', { role: ROLE_NAMES[l] })}</SubTitle>
              {site.userFields.length === 0 && (
                <p className="popm-muted">{t('settings.roles.noUserFields')}</p>
              )}
              {site.userFields.map((f) => (
                <Checkbox
                  key={f.id}
                  isChecked={r.fields.includes(f.id)}
                  onChange={(e) =>
                    onChange(l, {
                      ...r,
                      fields: e.target.checked ? [...r.fields, f.id] : r.fields.filter((x) => x !== f.id),
                    })
                  }
                  label={
                    <>
                      {f.name}{' '}
                      <span className="popm-muted">
                        {f.multi
                          ? t('settings.roles.fieldIdMulti', { id: f.id })
                          : t('settings.roles.fieldId', { id: f.id })}
                      </span>
                    </>
                  }
                />
              ))}
            </div>
            <OwnerRows
              label={t('settings.roles.teamFallback', { role: ROLE_NAMES[l] })}
              keyLabel={t('settings.roles.team')}
              people={people}
              pairs={r.teamOwners}
              onChange={(p) => onChange(l, { ...r, teamOwners: p })}
            />
            {withProjectDefaults && (
              <OwnerRows
                label={t('settings.roles.projectFallback', { role: ROLE_NAMES[l] })}
                keyLabel={t('gadget.project')}
                people={people}
                pairs={r.projectDefaults}
                keyOptions={site.projects.map((p) => ({
                  value: p.key,
                  label: t('gadget.projectOption', { name: p.name, project: p.key }),
                }))}
                onChange={(p) => onChange(l, { ...r, projectDefaults: p })}
              />
            )}
            <FieldErrorList errors={errorsUnder(errors, `${prefix}.${l}`)} />
          </section>
        );
      })}
    </FormSection>
  );
}

export function RulesSection({
  rules,
  onChange,
  errors,
  prefix = 'rules',
  inherited,
}: {
  rules: Record<RuleId, RuleForm>;
  onChange: (id: RuleId, r: RuleForm) => void;
  errors: FieldErrors;
  prefix?: string;
  /**
   * What a severity left unset means here: the app's own default on the admin page, the site's
   * setting on a project's page (unknown when the project admin may not read the site settings).
   */
  inherited: { word: string; explain: string; severity: (rule: RuleId) => Severity | undefined };
}) {
  const id = useId();
  const inheritedLabel = (severity: Severity | undefined) =>
    severity
      ? t('settings.rules.inherited', { word: inherited.word, severity: SEVERITY_LABEL[severity] })
      : inherited.word;
  return (
    <FormSection id={id} title={t('settings.rules.legend')}>
      <p className="popm-muted">{inherited.explain}</p>
      <table className="popm-table">
        <thead>
          <tr>
            <th scope="col">{t('findings.ruleColumn')}</th>
            <th scope="col">{t('settings.rules.on')}</th>
            <th scope="col">{t('projectPage.severity')}</th>
          </tr>
        </thead>
        <tbody>
          {RULE_IDS.map((r) => (
            <tr key={r} data-rule-setting={r}>
              <td>
                <span id={`${id}-${r}`}>{RULE_TEXT[r].title}</span>
                <br />
                <code className="popm-muted">{r}</code>
                <FieldErrorList errors={errorsUnder(errors, `${prefix}.${r}`)} />
              </td>
              <td>
                <Toggle
                  label={t('settings.rules.enable', { rule: RULE_TEXT[r].title })}
                  isChecked={rules[r].enabled}
                  onChange={(e) => onChange(r, { ...rules[r], enabled: e.target.checked })}
                />
              </td>
              <td className="popm-field">
                <SelectField
                  ariaLabel={t('settings.rules.severityOf', { rule: RULE_TEXT[r].title })}
                  value={rules[r].severity}
                  onChange={(v) => onChange(r, { ...rules[r], severity: oneOf(SEVERITIES, v) ?? '' })}
                  options={[
                    { value: '', label: inheritedLabel(inherited.severity(r)) },
                    ...SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABEL[s] })),
                  ]}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </FormSection>
  );
}

/** A titled part of a settings form: a section named by its heading, on the app's one scale. */
function FormSection({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="popm-section" aria-labelledby={`${id}-title`}>
      <SectionTitle id={`${id}-title`}>{title}</SectionTitle>
      {children}
    </section>
  );
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <FormSection id={id} title={title}>
      {children}
    </FormSection>
  );
}

/** Runs previewConfig for one project with the draft, and shows before/after. */
export function PreviewPanel({
  projects,
  initialProject,
  build,
}: {
  projects: { key: string; name: string }[];
  initialProject?: string;
  /** The candidate configuration, or the validation errors that prevent a preview. */
  build: () => { ok: true; config: unknown } | { ok: false };
}) {
  const id = useId();
  const [projectKey, setProjectKey] = useState(initialProject ?? projects[0]?.key ?? '');
  const [result, setResult] = useState<PreviewResult | null>(null);
  const [error, setError] = useState<ResultError | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async () => {
    const b = build();
    if (!b.ok || !projectKey) return;
    setBusy(true);
    setError(null);
    const r = await api.previewConfig({ projectKey, config: b.config });
    setBusy(false);
    if (r.ok) setResult(r.data);
    else {
      setResult(null);
      setError(r.error);
    }
  };

  return (
    <section className="popm-section" aria-labelledby={`${id}-h`}>
      <SectionTitle id={`${id}-h`}>{t('settings.preview.heading')}</SectionTitle>
      <div className="popm-toolbar">
        <div className="popm-field">
          <label htmlFor={`${id}-p`}>{t('gadget.project')}</label>
          <SelectField
            inputId={`${id}-p`}
            value={projectKey}
            onChange={setProjectKey}
            options={projects.map((p) => ({
              value: p.key,
              label: t('gadget.projectOption', { name: p.name, project: p.key }),
            }))}
          />
        </div>
        <Button onClick={() => void run()} isDisabled={busy || !projectKey} data-action="preview">
          {t('settings.preview.run')}
        </Button>
      </div>
      <div aria-live="polite">
        {error && <ErrorMessage error={error} />}
        {result && <PreviewTable result={result} />}
      </div>
    </section>
  );
}

export function PreviewTable({ result }: { result: PreviewResult }) {
  const rules = RULE_IDS.filter(
    (r) => (result.before.countsByRule[r] ?? 0) > 0 || (result.after.countsByRule[r] ?? 0) > 0,
  );
  return (
    <>
      <PreviewChanges result={result} />
      <table className="popm-table" data-preview={result.projectKey}>
        <caption>
          {t('settings.preview.caption', {
            project: result.projectKey,
            before: result.before.findings,
            after: result.after.findings,
          })}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('settings.preview.figure')}</th>
            <th scope="col">{t('settings.preview.now')}</th>
            <th scope="col">{t('settings.preview.after')}</th>
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => (
            <tr key={r} data-preview-rule={r}>
              <td>{RULE_TEXT[r].title}</td>
              <td>{result.before.countsByRule[r] ?? 0}</td>
              <td>{result.after.countsByRule[r] ?? 0}</td>
            </tr>
          ))}
          {SEVERITIES.map((s) => (
            <tr key={s} data-preview-severity={s}>
              <td>{t('settings.preview.severityRow', { severity: SEVERITY_LABEL[s] })}</td>
              <td>{result.before.countsBySeverity[s]}</td>
              <td>{result.after.countsBySeverity[s]}</td>
            </tr>
          ))}
          <tr>
            <td>{t('coverage.featuresWithPm')}</td>
            <td>{percent(result.before.coverage.featuresWithPm)}</td>
            <td>{percent(result.after.coverage.featuresWithPm)}</td>
          </tr>
          <tr>
            <td>{t('coverage.doneStoriesAccepted')}</td>
            <td>{percent(result.before.coverage.doneStoriesAccepted)}</td>
            <td>{percent(result.after.coverage.doneStoriesAccepted)}</td>
          </tr>
        </tbody>
      </table>
    </>
  );
}

/** What one issue gains, loses or sees judged at another severity, one line each. */
function changeLines(c: IssueChange): string[] {
  const title = (rule: RuleId) => RULE_TEXT[rule].title;
  return [
    ...c.changed.map((x) =>
      t('settings.preview.changed', {
        rule: title(x.rule),
        from: SEVERITY_LABEL[x.from],
        to: SEVERITY_LABEL[x.to],
      }),
    ),
    ...c.added.map((x) =>
      t('settings.preview.added', { rule: title(x.rule), severity: SEVERITY_LABEL[x.severity] }),
    ),
    ...c.removed.map((x) =>
      t('settings.preview.removed', { rule: title(x.rule), severity: SEVERITY_LABEL[x.severity] }),
    ),
  ];
}

/** The issues whose findings change, so a change of severity alone shows what it touches. */
function PreviewChanges({ result }: { result: PreviewResult }) {
  const id = useId();
  const rest = result.changedIssues - result.changes.length;
  return (
    <section
      className="popm-subsection"
      aria-labelledby={`${id}-h`}
      data-preview-changes={result.changedIssues}
    >
      <SubTitle id={`${id}-h`}>{tp('settings.preview.changesHeading', result.changedIssues)}</SubTitle>
      {result.changes.length === 0 ? (
        <p className="popm-muted">{t('settings.preview.noChanges')}</p>
      ) : (
        <DynamicTable
          label={t('settings.preview.changesLabel', { project: result.projectKey })}
          head={{
            cells: [
              { key: 'issue', content: t('settings.preview.issue') },
              { key: 'summary', content: t('settings.preview.summary') },
              { key: 'what', content: t('settings.preview.whatChanges') },
            ],
          }}
          rows={result.changes.map((c) => ({
            key: c.issueKey,
            cells: [
              { key: 'issue', content: <IssueLink issueKey={c.issueKey} /> },
              { key: 'summary', content: c.summary },
              {
                key: 'what',
                content: (
                  <ul className="popm-plain-list" data-preview-change={c.issueKey}>
                    {changeLines(c).map((line) => (
                      <li key={line}>{line}</li>
                    ))}
                  </ul>
                ),
              },
            ],
          }))}
        />
      )}
      {rest > 0 && <p className="popm-muted">{tp('settings.preview.more', rest)}</p>}
    </section>
  );
}

/**
 * Save at the top of a long settings form too: the form runs to thousands of pixels, and Jira sizes
 * the app's frame to its content, so a sticky footer would stick to the frame, not to the screen.
 */
export function SaveBar(props: { canEdit: boolean; saving: boolean; onReload: () => void }) {
  if (!props.canEdit) return null;
  return (
    <div className="popm-row-actions popm-save-bar">
      <Button type="submit" appearance="primary" isDisabled={props.saving} data-action="save-top">
        {t('common.save')}
      </Button>
      <Button appearance="subtle" onClick={props.onReload}>
        {t('settings.discard')}
      </Button>
    </div>
  );
}

/**
 * The end of a settings form, the same on the admin page and the project settings: what needs
 * fixing, why a save failed (a conflict offers a reload), the saved revision, and the buttons.
 */
export function SaveFooter(props: {
  errors: FieldErrors;
  errorTitle: string;
  saveError: ResultError | null;
  saved: boolean;
  revision: number;
  canEdit: boolean;
  saving: boolean;
  onReload: () => void;
  summaryId?: string;
}) {
  const { errors, saveError, onReload } = props;
  return (
    <>
      <div id={props.summaryId} aria-live="polite">
        {errors.length > 0 && (
          <SectionMessage appearance="error" title={props.errorTitle}>
            <FieldErrorList errors={errors} />
          </SectionMessage>
        )}
        {saveError && (
          <ErrorMessage error={saveError} onRetry={saveError.code === 'CONFLICT' ? onReload : undefined} />
        )}
        {props.saved && (
          <p className="popm-ok" role="status">
            {t('settings.savedRevision', { revision: props.revision })}
          </p>
        )}
      </div>
      {props.canEdit && (
        <div className="popm-row-actions">
          <Button type="submit" appearance="primary" isDisabled={props.saving} data-action="save">
            {t('common.save')}
          </Button>
          <Button appearance="subtle" onClick={onReload}>
            {t('settings.discard')}
          </Button>
        </div>
      )}
    </>
  );
}
