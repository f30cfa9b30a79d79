/** Project settings: this project's overrides of roles, delegates and rules, with a preview. */
import SectionMessage from '@atlaskit/section-message';
import type { ConfigView, ProjectConfigView } from '../../../src/shared/contract';
import { DEFAULT_SEVERITY } from '../../../src/domain/rules';
import { api } from '../api';
import {
  errorsUnder,
  fromOverrideForm,
  toOverrideForm,
  validateConfig,
  validateOverride,
  type OverrideForm,
} from '../lib/configForm';
import {
  FieldErrorList,
  PreviewPanel,
  RolesSection,
  RulesSection,
  SaveBar,
  SaveFooter,
  Section,
} from '../settings/sections';
import { ErrorMessage, Loading } from '../ui/states';
import { PersonField } from '../ui/UserPicker';
import { useResult } from '../ui/useResult';
import { useSettingsForm } from '../settings/useSettingsForm';
import { t } from '../i18n';
import { ReadOnlyContext } from '../ui/SelectField';

export function ProjectSettings({ projectKey }: { projectKey: string | undefined }) {
  if (!projectKey) return <ErrorMessage error={{ code: 'NOT_FOUND', message: t('projectPage.noProject') }} />;
  return <ProjectSettingsFor projectKey={projectKey} />;
}

function ProjectSettingsFor({ projectKey }: { projectKey: string }) {
  const { value, reload } = useResult(() => api.getProjectConfig({ projectKey }), [projectKey]);
  // The site configuration is needed only to preview; project admins may not be allowed to read it.
  const site = useResult(() => api.getConfig({}), []);
  if (value.state === 'loading')
    return <Loading label={t('projectSettings.loading', { project: projectKey })} />;
  if (value.state === 'error') return <ErrorMessage error={value.error} onRetry={reload} />;
  return (
    <ProjectSettingsForm
      view={value.data}
      siteConfig={site.value.state === 'ok' ? site.value.data : null}
      onReload={reload}
    />
  );
}

export function ProjectSettingsForm({
  view,
  siteConfig,
  onReload,
}: {
  view: ProjectConfigView;
  siteConfig: ConfigView | null;
  onReload: () => void;
}) {
  const { form, update, revision, errors, saveError, saving, saved, check, save } = useSettingsForm({
    initial: () => toOverrideForm(view.override),
    source: view,
    revision: view.revision,
    validate: (f: OverrideForm) => {
      const v = validateOverride(fromOverrideForm(f));
      return v.ok ? { ok: true, value: v.override } : v;
    },
    submit: (override, rev) =>
      api.saveProjectConfig({ projectKey: view.projectKey, override, revision: rev }),
    fromSaved: (r) => toOverrideForm(r.override),
    savedTitle: t('projectSettings.saved', { project: view.projectKey }),
    flagPrefix: 'popm-psaved',
  });

  return (
    <main aria-label={t('projectSettings.label', { project: view.projectKey })}>
      {!view.canEdit && (
        <SectionMessage appearance="information" title={t('settings.readOnly')}>
          <p>{t('projectSettings.readOnlyHint', { project: view.projectKey })}</p>
        </SectionMessage>
      )}
      <p className="popm-muted">{t('projectSettings.scope', { project: view.projectKey })}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <SaveBar canEdit={view.canEdit} saving={saving} onReload={onReload} />
        <ReadOnlyContext.Provider value={!view.canEdit}>
          <fieldset disabled={!view.canEdit} className="popm-form-body">
            <RolesSection
              site={view.site}
              roles={form.roles}
              people={view.people}
              errors={errors}
              withProjectDefaults={false}
              onChange={(l, r) => update((f) => ({ ...f, roles: { ...f.roles, [l]: r } }))}
            />
            <Section title={t('settings.delegates')}>
              <PersonField
                mode="multi"
                label={t('projectSettings.delegatesPeople', { project: view.projectKey })}
                known={view.people}
                value={form.delegates}
                onChange={(delegates) => update((f) => ({ ...f, delegates }))}
              >
                <FieldErrorList errors={errorsUnder(errors, 'delegates')} />
              </PersonField>
            </Section>
            <RulesSection
              inherited={{
                word: t('settings.rules.siteWord'),
                explain: siteConfig
                  ? t('settings.rules.siteExplainWithDefault', { project: view.projectKey })
                  : t('settings.rules.siteExplain', { project: view.projectKey }),
                severity: (r) =>
                  siteConfig ? (siteConfig.config.rules[r]?.severity ?? DEFAULT_SEVERITY[r]) : undefined,
              }}
              rules={form.rules}
              errors={errors}
              onChange={(r, s) => update((f) => ({ ...f, rules: { ...f.rules, [r]: s } }))}
            />
          </fieldset>
        </ReadOnlyContext.Provider>
        {siteConfig && (
          <PreviewPanel
            projects={[
              {
                key: view.projectKey,
                name: view.site.projects.find((p) => p.key === view.projectKey)?.name ?? view.projectKey,
              },
            ]}
            build={() => {
              const v = check();
              if (!v.ok) return { ok: false };
              const full = validateConfig({
                ...siteConfig.config,
                projects: { ...siteConfig.config.projects, [view.projectKey]: v.value },
              });
              return full.ok ? { ok: true, config: full.config } : { ok: false };
            }}
          />
        )}
        <SaveFooter
          errors={errors}
          errorTitle={t('projectSettings.errorTitle')}
          saveError={saveError}
          saved={saved}
          revision={revision}
          canEdit={view.canEdit}
          saving={saving}
          onReload={onReload}
        />
      </form>
    </main>
  );
}
