/** The dashboard gadget: coverage, counts by rule and a small coverage trend; and its edit view. */
import { lazy, Suspense, useEffect, useId, useState } from 'react';
import Button from '@atlaskit/button/new';
import Checkbox from '@atlaskit/checkbox';
import Textfield from '@atlaskit/textfield';
import { view } from '@forge/bridge';
import type {
  GadgetConfig,
  GadgetSummary,
  ResultError,
  ScopeChoices,
  SprintFigure,
  TrendPoint,
} from '../../../src/shared/contract';
import { parseGadgetConfig } from '../lib/gadgetConfig';
import { RULE_IDS, type RuleId } from '../../../src/domain/types';
import { api } from '../api';
import { age, percent } from '../lib/format';
import { RULE_TEXT } from '../lib/rules';
import { trendPaths } from '../lib/trend';
import { CountsByRule, CoverageFigures } from '../ui/findings';
import { Empty, ErrorMessage, Loading } from '../ui/states';
import { ScanProgress, ScanSummary, SCAN_POLL_MS, sleep } from '../ui/scan';
import { useResult, type Loadable } from '../ui/useResult';
import { t } from '../i18n';
import { SectionTitle, SubTitle } from '../ui/headings';
import { SelectField, SelectPlaceholder } from '../ui/SelectField';
import type { ScopeParams } from '../lib/scope';

// Only the edit view picks a scope, and the picker brings Atlaskit Select: the view people look at
// on their dashboards does not load it.
const ScopePicker = lazy(() =>
  import('../project-page/ScopePicker').then((m) => ({ default: m.ScopePicker })),
);

export function readGadgetConfig(raw: unknown): GadgetConfig | null {
  return parseGadgetConfig(raw);
}

export function GadgetView({ config }: { config: GadgetConfig | null }) {
  if (!config) {
    return <Empty title={t('gadget.notSetUp')}>{t('gadget.notSetUpHint')}</Empty>;
  }
  return <GadgetFor config={config} />;
}

/**
 * Loads the summary; while a scan runs, asks again every SCAN_POLL_MS (keeping what is shown) until
 * it ends. Rescan starts a new scan and follows it the same way.
 */
function GadgetFor({ config }: { config: GadgetConfig }) {
  const [value, setValue] = useState<Loadable<GadgetSummary>>({ state: 'loading' });
  const [rescanError, setRescanError] = useState<ResultError | null>(null);
  const [starting, setStarting] = useState(false);
  const [round, setRound] = useState(0);
  const rules = (config.rules ?? []).join(',');
  const { sprint, fixVersion } = config;

  useEffect(() => {
    // Set by the cleanup: widened so TS does not narrow it to its initial `false`.
    let stopped = false as boolean;
    const payload = {
      projectKey: config.projectKey,
      ...(config.rules ? { rules: config.rules } : {}),
      ...(sprint !== undefined ? { sprint } : {}),
      ...(fixVersion !== undefined ? { fixVersion } : {}),
    };
    void (async () => {
      for (;;) {
        const r = await api.getGadgetSummary(payload);
        if (stopped) return;
        setValue(r.ok ? { state: 'ok', data: r.data } : { state: 'error', error: r.error });
        if (!r.ok || r.data.scan.status !== 'running') return;
        await sleep(SCAN_POLL_MS);
        // The cleanup may have run while we slept (TS cannot see that assignment).
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
        if (stopped) return;
      }
    })();
    return () => {
      stopped = true;
    };
    // `rules` stands for config.rules' content (a fresh array on every render).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [config.projectKey, rules, sprint, fixVersion, round]);

  const rescan = async () => {
    setRescanError(null);
    setStarting(true);
    const r = await api.startScan({ projectKey: config.projectKey });
    setStarting(false);
    if (!r.ok) return setRescanError(r.error);
    setRound((n) => n + 1);
  };

  if (value.state === 'loading')
    return <Loading label={t('gadget.loading', { project: config.projectKey })} />;
  if (value.state === 'error')
    return (
      <ErrorMessage
        error={value.error}
        onRetry={() => {
          setValue({ state: 'loading' });
          setRound((n) => n + 1);
        }}
      />
    );
  return (
    <>
      <GadgetSummaryView summary={value.data} onRescan={() => void rescan()} busy={starting} />
      {rescanError && <ErrorMessage error={rescanError} />}
    </>
  );
}

export function GadgetSummaryView({
  summary,
  onRescan,
  busy = false,
}: {
  summary: GadgetSummary;
  onRescan?: () => void;
  busy?: boolean;
}) {
  const { scan } = summary;
  return (
    <main aria-label={t('gadget.label', { project: summary.projectKey })}>
      <SectionTitle>
        {t('gadget.title', { name: summary.projectName, project: summary.projectKey })}
      </SectionTitle>
      <CoverageFigures coverage={summary.coverage} />
      {/* One day is a dot, not a trend: the chart waits for a second day of history. */}
      {summary.trend.length > 1 ? (
        <TrendChart points={summary.trend} />
      ) : (
        <p className="popm-muted">{t('gadget.trendLater')}</p>
      )}
      {summary.sprints && summary.sprints.length > 0 && <SprintFigures sprints={summary.sprints} />}
      <div className="popm-section">
        <CountsByRule counts={summary.countsByRule} label={t('gadget.countsLabel')} />
      </div>
      <p className="popm-muted" data-figures={summary.scope ? 'scope' : 'project-wide'}>
        {summary.scope
          ? t('gadget.scopedFigures', { label: summary.scope.label, project: summary.projectKey })
          : t('gadget.projectWide', { project: summary.projectKey })}
      </p>
      {scan.status === 'running' ? (
        <ScanProgress projectKey={summary.projectKey} scan={scan} />
      ) : onRescan ? (
        <ScanSummary scan={scan} onRescan={onRescan} busy={busy} />
      ) : (
        <p className="popm-muted">{t('gadget.dataFrom', { age: age(scan.builtAt, new Date()) })}</p>
      )}
    </main>
  );
}

/** Done stories accepted in each recent sprint, oldest first: what an iteration review looks at. */
export function SprintFigures({ sprints }: { sprints: readonly SprintFigure[] }) {
  return (
    <section className="popm-section" aria-label={t('gadget.perSprint')}>
      <SubTitle>{t('gadget.perSprint')}</SubTitle>
      <ul className="popm-sprints">
        {sprints.map((s) => (
          <li key={s.id} data-sprint={s.id}>
            <strong>{percent(s.doneStoriesAccepted)}</strong>
            <span>{s.name}</span>
            <span className="popm-muted">
              {t('gadget.sprintDone', { count: s.doneStories })}
              {s.state === 'active' ? t('gadget.sprintActive') : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function TrendChart({
  points,
  width = 240,
  height = 60,
}: {
  points: readonly TrendPoint[];
  width?: number;
  height?: number;
}) {
  const series = trendPaths(points, width, height);
  const first = points[0]?.date ?? '';
  const last = points[points.length - 1]?.date ?? '';
  const label = t('gadget.trendLabel', {
    first,
    last,
    pm: percent(series[0]?.last ?? null),
    accepted: percent(series[1]?.last ?? null),
  });
  return (
    <figure className="popm-section">
      <svg
        className="popm-chart"
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={label}
      >
        {series.map((s) =>
          s.d ? <path key={s.key} className={`s-${s.key}`} d={s.d} fill="none" strokeWidth={2} /> : null,
        )}
      </svg>
      <figcaption className="popm-legend">
        <span>
          <span className="popm-swatch" style={{ background: 'var(--ds-chart-brand, #1d7afc)' }} />
          {t('coverage.featuresWithPm')}
        </span>
        <span>
          <span className="popm-swatch" style={{ background: 'var(--ds-chart-success, #22a06b)' }} />
          {t('coverage.doneStoriesAccepted')}
        </span>
      </figcaption>
    </figure>
  );
}

export function GadgetEdit({ initial }: { initial: GadgetConfig | null }) {
  const id = useId();
  const projects = useResult(() => api.getConfig({}), []);
  const [projectKey, setProjectKey] = useState(initial?.projectKey ?? '');
  const [rules, setRules] = useState<Set<RuleId>>(new Set(initial?.rules ?? []));
  const [scope, setScope] = useState<ScopeParams>(
    initial?.sprint !== undefined
      ? { sprint: initial.sprint }
      : initial?.fixVersion !== undefined
        ? { fixVersion: initial.fixVersion }
        : {},
  );
  const choices = useScopeChoices(projectKey);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const submit = async () => {
    const candidate = {
      projectKey,
      ...(rules.size > 0 ? { rules: RULE_IDS.filter((r) => rules.has(r)) } : {}),
      ...scope,
    };
    const parsed = parseGadgetConfig(candidate);
    if (!parsed) {
      setError(!projectKey ? t('gadget.chooseProjectError') : t('gadget.badProjectKey'));
      return;
    }
    setError(null);
    setSaving(true);
    try {
      await view.submit(parsed);
    } catch (e) {
      setError(t('gadget.notSaved', { reason: e instanceof Error ? e.message : String(e) }));
    } finally {
      setSaving(false);
    }
  };

  const projectList = projects.value.state === 'ok' ? projects.value.data.site.projects : null;
  return (
    <form
      aria-label={t('gadget.settingsLabel')}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="popm-field">
        <label htmlFor={`${id}-project`}>{t('gadget.project')}</label>
        {projectList ? (
          <SelectField
            inputId={`${id}-project`}
            value={projectKey}
            onChange={(key) => {
              setProjectKey(key);
              // A sprint or version of the project chosen before means nothing in another one.
              if (key !== projectKey) setScope({});
            }}
            placeholder={t('gadget.chooseProject')}
            options={projectList.map((p) => ({
              value: p.key,
              label: t('gadget.projectOption', { name: p.name, project: p.key }),
            }))}
            isInvalid={error !== null}
            describedBy={`${id}-err`}
          />
        ) : (
          <Textfield
            id={`${id}-project`}
            value={projectKey}
            onChange={(e) => setProjectKey(e.currentTarget.value.trim().toUpperCase())}
            isInvalid={error !== null}
            aria-describedby={`${id}-err`}
          />
        )}
        <span id={`${id}-err`} className="popm-field-error" role={error ? 'alert' : undefined}>
          {error}
        </span>
      </div>
      {projectKey && (
        <div className="popm-section">
          <Suspense fallback={<SelectPlaceholder />}>
            <ScopePicker scope={scope} choices={choices} onChange={setScope} />
          </Suspense>
          <p className="popm-muted">{t('gadget.scopeLegend')}</p>
        </div>
      )}
      <div className="popm-section" role="group" aria-labelledby={`${id}-rules`}>
        <SubTitle id={`${id}-rules`}>{t('gadget.rulesLegend')}</SubTitle>
        {RULE_IDS.map((r) => (
          <Checkbox
            key={r}
            isChecked={rules.has(r)}
            label={RULE_TEXT[r].title}
            onChange={(e) =>
              setRules((s) => {
                const n = new Set(s);
                if (e.target.checked) n.add(r);
                else n.delete(r);
                return n;
              })
            }
          />
        ))}
      </div>
      <Button type="submit" appearance="primary" isDisabled={saving}>
        {t('common.save')}
      </Button>
    </form>
  );
}

const NO_CHOICES: ScopeChoices = { sprints: [], versions: [] };

/**
 * The sprints and fix versions of a project, from the stored tree the project page reads (its first
 * page with the picker's choices): undefined while they load, which the picker shows as loading; the
 * saved scope shows as itself either way.
 */
function useScopeChoices(projectKey: string): ScopeChoices | undefined {
  const [choices, setChoices] = useState<{ projectKey: string; choices: ScopeChoices } | null>(null);
  useEffect(() => {
    if (!projectKey) return;
    let stopped = false as boolean;
    void api.getProjectTree({ projectKey, choices: true }).then((r) => {
      // Nothing to offer (not read, or no snapshot yet) ends the loading: the picker stays usable.
      if (!stopped) setChoices({ projectKey, choices: (r.ok ? r.data.choices : undefined) ?? NO_CHOICES });
    });
    return () => {
      stopped = true;
    };
  }, [projectKey]);
  return choices?.projectKey === projectKey ? choices.choices : undefined;
}
