/** The dashboard gadget: coverage, counts by rule and a small coverage trend; and its edit view. */
import { useEffect, useId, useState } from 'react';
import Button from '@atlaskit/button/new';
import { view } from '@forge/bridge';
import type {
  GadgetConfig,
  GadgetSummary,
  ResultError,
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

export function readGadgetConfig(raw: unknown): GadgetConfig | null {
  return parseGadgetConfig(raw);
}

export function GadgetView({ config }: { config: GadgetConfig | null }) {
  if (!config) {
    return (
      <Empty title="This gadget is not set up yet">
        Choose a project: open the gadget's menu and select Edit (or Configure).
      </Empty>
    );
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
    let stopped = false;
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
        if (stopped) return;
      }
    })();
    return () => {
      stopped = true;
    };
    // `rules` stands for config.rules' content (a fresh array on every render).
  }, [config.projectKey, rules, sprint, fixVersion, round]);

  const rescan = async () => {
    setRescanError(null);
    setStarting(true);
    const r = await api.startScan({ projectKey: config.projectKey });
    setStarting(false);
    if (!r.ok) return setRescanError(r.error);
    setRound((n) => n + 1);
  };

  if (value.state === 'loading') return <Loading label={`Loading ${config.projectKey}`} />;
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
    <main aria-label={`POPM Guard summary for ${summary.projectKey}`}>
      <h2 className="popm-gadget-title">
        {summary.projectName} ({summary.projectKey})
      </h2>
      <CoverageFigures coverage={summary.coverage} />
      {/* One day is a dot, not a trend: the chart waits for a second day of history. */}
      {summary.trend.length > 1 ? (
        <TrendChart points={summary.trend} />
      ) : (
        <p className="popm-muted">The coverage trend appears after a second day of history.</p>
      )}
      {summary.sprints && summary.sprints.length > 0 && <SprintFigures sprints={summary.sprints} />}
      <div className="popm-section">
        <CountsByRule counts={summary.countsByRule} label="Findings by rule" />
      </div>
      <p className="popm-muted" data-figures={summary.scope ? 'scope' : 'project-wide'}>
        {summary.scope
          ? `Figures for ${summary.scope.label} (its stories, their features and epics), from the app's latest scan of ${summary.projectKey}.`
          : `Project-wide figures, from the app's latest scan of ${summary.projectKey}.`}
      </p>
      {scan.status === 'running' ? (
        <ScanProgress projectKey={summary.projectKey} scan={scan} />
      ) : onRescan ? (
        <ScanSummary scan={scan} onRescan={onRescan} busy={busy} />
      ) : (
        <p className="popm-muted">Data from {age(scan.builtAt, new Date())}</p>
      )}
    </main>
  );
}

/** Done stories accepted in each recent sprint, oldest first: what an iteration review looks at. */
export function SprintFigures({ sprints }: { sprints: readonly SprintFigure[] }) {
  return (
    <section className="popm-section" aria-label="Done stories accepted per sprint">
      <h3>Done stories accepted per sprint</h3>
      <ul className="popm-sprints">
        {sprints.map((s) => (
          <li key={s.id} data-sprint={s.id}>
            <strong>{percent(s.doneStoriesAccepted)}</strong>
            <span>{s.name}</span>
            <span className="popm-muted">
              {s.doneStories} done{s.state === 'active' ? ' · active' : ''}
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
  const label = `Coverage trend from ${first} to ${last}: features with a PM ${percent(series[0]?.last ?? null)}, done stories accepted ${percent(series[1]?.last ?? null)} most recently`;
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
          Features with a PM
        </span>
        <span>
          <span className="popm-swatch" style={{ background: 'var(--ds-chart-success, #22a06b)' }} />
          Done stories accepted
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
  const [sprint, setSprint] = useState(initial?.sprint ?? '');
  const [fixVersion, setFixVersion] = useState(initial?.fixVersion ?? '');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const submit = async () => {
    const candidate = {
      projectKey,
      ...(rules.size > 0 ? { rules: RULE_IDS.filter((r) => rules.has(r)) } : {}),
      ...(sprint.trim() ? { sprint } : {}),
      ...(fixVersion.trim() ? { fixVersion } : {}),
    };
    const parsed = parseGadgetConfig(candidate);
    if (!parsed) {
      setError(
        !projectKey
          ? 'Choose a project.'
          : sprint.trim() && fixVersion.trim()
            ? 'Give a sprint or a fix version, not both.'
            : 'The project key must look like ART (capital letters and digits); a sprint or version name is at most 255 characters.',
      );
      return;
    }
    setError(null);
    setSaving(true);
    try {
      await view.submit(parsed);
    } catch (e) {
      setError(`Jira did not save the gadget: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setSaving(false);
    }
  };

  const projectList = projects.value.state === 'ok' ? projects.value.data.site.projects : null;
  return (
    <form
      aria-label="Gadget settings"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="popm-field">
        <label htmlFor={`${id}-project`}>Project</label>
        {projectList ? (
          <select
            id={`${id}-project`}
            value={projectKey}
            onChange={(e) => setProjectKey(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={`${id}-err`}
          >
            <option value="">Choose a project</option>
            {projectList.map((p) => (
              <option key={p.key} value={p.key}>
                {p.name} ({p.key})
              </option>
            ))}
          </select>
        ) : (
          <input
            id={`${id}-project`}
            type="text"
            value={projectKey}
            onChange={(e) => setProjectKey(e.target.value.trim().toUpperCase())}
            aria-invalid={error ? true : undefined}
            aria-describedby={`${id}-err`}
          />
        )}
        <span id={`${id}-err`} className="popm-field-error" role={error ? 'alert' : undefined}>
          {error}
        </span>
      </div>
      <fieldset>
        <legend>Scope (optional: a sprint or a fix version)</legend>
        <div className="popm-field">
          <label htmlFor={`${id}-sprint`}>Sprint: its id, exact name, or active</label>
          <input id={`${id}-sprint`} type="text" value={sprint} onChange={(e) => setSprint(e.target.value)} />
        </div>
        <div className="popm-field">
          <label htmlFor={`${id}-version`}>Fix version: its exact name</label>
          <input
            id={`${id}-version`}
            type="text"
            value={fixVersion}
            onChange={(e) => setFixVersion(e.target.value)}
          />
        </div>
      </fieldset>
      <fieldset>
        <legend>Rules to count (none checked: all rules)</legend>
        {RULE_IDS.map((r) => (
          <div key={r}>
            <label>
              <input
                type="checkbox"
                checked={rules.has(r)}
                onChange={(e) =>
                  setRules((s) => {
                    const n = new Set(s);
                    if (e.target.checked) n.add(r);
                    else n.delete(r);
                    return n;
                  })
                }
              />{' '}
              {RULE_TEXT[r].title}
            </label>
          </div>
        ))}
      </fieldset>
      <Button type="submit" appearance="primary" isDisabled={saving}>
        Save
      </Button>
    </form>
  );
}
