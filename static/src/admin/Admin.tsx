/** The admin page: site-wide configuration with validation, preview and conflict-safe saves. */
import { useId } from 'react';
import SectionMessage from '@atlaskit/section-message';
import type { ConfigView } from '../../../src/shared/contract';
import { DEFAULT_SEVERITY } from '../../../src/domain/rules';
import { api } from '../api';
import { errorsUnder, fromForm, toForm, validateConfig, type ConfigForm } from '../lib/configForm';
import {
  FieldErrorList,
  LevelsSection,
  DelegateRows,
  PreviewPanel,
  RolesSection,
  RulesSection,
  SaveBar,
  SaveFooter,
  Section,
} from '../settings/sections';
import { ErrorMessage, Loading } from '../ui/states';
import { ReadOnlyContext, SelectField } from '../ui/SelectField';
import { useResult } from '../ui/useResult';
import { useSettingsForm } from '../settings/useSettingsForm';
import { DigestSection } from './DigestSection';
import { t, tp } from '../i18n';

export function AdminPage() {
  const { value, reload } = useResult(() => api.getConfig({}), []);
  if (value.state === 'loading') return <Loading label={t('admin.loading')} />;
  if (value.state === 'error') return <ErrorMessage error={value.error} onRetry={reload} />;
  return <AdminForm view={value.data} onReload={reload} />;
}

export function AdminForm({ view, onReload }: { view: ConfigView; onReload: () => void }) {
  const id = useId();
  const { form, update, revision, errors, saveError, saving, saved, check, save } = useSettingsForm({
    initial: () => toForm(view.config, view.site),
    source: view,
    revision: view.revision,
    validate: (f: ConfigForm) => {
      const v = validateConfig(fromForm(f));
      return v.ok ? { ok: true, value: v.config } : v;
    },
    submit: (config, rev) => api.saveConfig({ config, revision: rev }),
    fromSaved: (r) => toForm(r.config, r.site),
    savedTitle: t('admin.saved'),
    flagPrefix: 'popm-saved',
  });
  const fieldChoices = view.site.otherFields.map((x) => ({
    value: x.id,
    label: t('settings.fieldOption', { name: x.name, id: x.id }),
  }));

  return (
    <main aria-label={t('admin.label')}>
      {!view.canEdit && (
        <SectionMessage appearance="information" title={t('settings.readOnly')}>
          <p>{t('admin.readOnlyHint')}</p>
        </SectionMessage>
      )}
      <form
        aria-describedby={`${id}-summary`}
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <SaveBar canEdit={view.canEdit} saving={saving} onReload={onReload} />
        <ReadOnlyContext.Provider value={!view.canEdit}>
          <fieldset disabled={!view.canEdit} className="popm-form-body">
            <LevelsSection
              site={view.site}
              levels={form.levels}
              errors={errors}
              onChange={(t, l) => update((f) => ({ ...f, levels: { ...f.levels, [t]: l } }))}
            />
            <RolesSection
              site={view.site}
              roles={form.roles}
              people={view.people}
              errors={errors}
              onChange={(l, r) => update((f) => ({ ...f, roles: { ...f.roles, [l]: r } }))}
            />
            <Section title={t('admin.fieldsTitle')}>
              <div className="popm-toolbar">
                <div className="popm-field">
                  <label htmlFor={`${id}-team`}>{t('admin.teamField')}</label>
                  <SelectField
                    inputId={`${id}-team`}
                    value={form.teamField}
                    onChange={(v) => update((f) => ({ ...f, teamField: v }))}
                    options={[{ value: '', label: t('states.none') }, ...fieldChoices]}
                  />
                  <FieldErrorList errors={errorsUnder(errors, 'teamField')} />
                </div>
                <div className="popm-field">
                  <label htmlFor={`${id}-ac`}>{t('admin.acField')}</label>
                  <SelectField
                    inputId={`${id}-ac`}
                    value={form.acceptanceCriteriaField}
                    onChange={(v) => update((f) => ({ ...f, acceptanceCriteriaField: v }))}
                    options={[{ value: '', label: t('admin.acFieldByName') }, ...fieldChoices]}
                  />
                  <FieldErrorList errors={errorsUnder(errors, 'acceptanceCriteriaField')} />
                </div>
              </div>
            </Section>
            <Section title={t('settings.delegates')}>
              <p className="popm-muted">{t('admin.delegatesHint')}</p>
              <DelegateRows
                rows={form.delegates}
                people={view.people}
                onChange={(rows) => update((f) => ({ ...f, delegates: rows }))}
              />
              <FieldErrorList errors={errorsUnder(errors, 'delegates')} />
            </Section>
            <RulesSection
              inherited={{
                word: t('settings.rules.defaultWord'),
                explain: t('settings.rules.defaultExplain'),
                severity: (r) => DEFAULT_SEVERITY[r],
              }}
              rules={form.rules}
              errors={errors}
              onChange={(r, s) => update((f) => ({ ...f, rules: { ...f.rules, [r]: s } }))}
            />
            <DigestSection
              digest={form.digest}
              errors={errors}
              canEdit={view.canEdit}
              onChange={(d) => update((f) => ({ ...f, digest: d }))}
            />
          </fieldset>
        </ReadOnlyContext.Provider>
        <PreviewPanel
          projects={view.site.projects}
          build={() => {
            const v = check();
            return v.ok ? { ok: true, config: v.value } : { ok: false };
          }}
        />
        <SaveFooter
          errors={errors}
          errorTitle={tp('admin.errorTitle', errors.length)}
          saveError={saveError}
          saved={saved}
          revision={revision}
          canEdit={view.canEdit}
          saving={saving}
          onReload={onReload}
          summaryId={`${id}-summary`}
        />
      </form>
    </main>
  );
}
