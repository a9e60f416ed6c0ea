/**
 * 健康评价 as the doctor types (issue 12 §2): the check's abnormal findings are written into the 异常 box (and 有异常
 * is ticked when nothing is yet), replaced as their values change and left alone once the doctor edits or deletes
 * them (shared/domain/abnormal-lines); ticking 体检无异常 while a value is abnormal asks the doctor to confirm it.
 */
import { App as AntApp, type FormInstance } from 'antd';
import { useCallback, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { findingLines, mergeAbnormalLines, NO_LINES_WRITTEN, type AbnormalLinesState } from '../../../shared/domain/abnormal-lines';
import { judgeHealthCheck, type Finding } from '../../../shared/domain/health-check-judgement';
import { toDraft, type FormValues } from './check-form-values';

const ASSESSMENT_FIELDS = new Set(['abnormalities', 'assessment']);

/** The form's `onValuesChange` part for 健康评价; call it with no argument after a programmatic fill (全部正常). */
export function useAbnormalLines(props: { form: FormInstance<FormValues>; residentId: string; birthDate: string; sex: number; readOnly: boolean }) {
  const { form, residentId, birthDate, sex, readOnly } = props;
  const { t } = useTranslation();
  const { modal } = AntApp.useApp();
  const state = useRef<AbnormalLinesState>(NO_LINES_WRITTEN);
  const textOf = useCallback((f: Finding) => t(`health-checks.finding.${f.key}`, f.params ?? {}), [t]);

  const findings = useCallback(() => {
    const values = form.getFieldsValue(true) as FormValues;
    return { values, abnormal: judgeHealthCheck(toDraft(values, residentId).draft, birthDate, sex).abnormal };
  }, [form, residentId, birthDate, sex]);

  const confirmNoAbnormal = useCallback(
    (abnormal: Finding[]) => {
      modal.confirm({
        title: t('health-checks.noAbnormal.title'),
        content: (
          <ul className="confirm-list" data-testid="no-abnormal-confirm">
            {abnormal.map((f) => (
              <li key={f.key}>{textOf(f)}</li>
            ))}
          </ul>
        ),
        okText: t('health-checks.noAbnormal.ok'),
        cancelText: t('health-checks.noAbnormal.back'),
        onCancel: () => form.setFields([{ name: ['assessment'], value: '2' }]),
      });
    },
    [form, modal, t, textOf],
  );

  return useCallback(
    (changed?: FormValues) => {
      if (readOnly) return;
      if (changed && changed['assessment'] === '1') {
        const { abnormal } = findings();
        if (abnormal.length > 0) confirmNoAbnormal(abnormal);
        return;
      }
      // Typing in the 异常 box itself is the doctor's: their edits are noticed at the next value change.
      if (changed && Object.keys(changed).every((k) => ASSESSMENT_FIELDS.has(k))) return;
      const { values, abnormal } = findings();
      const raw = values['abnormalities'];
      const lines = typeof raw === 'string' ? raw.split('\n').map((l) => l.trim()).filter(Boolean) : [];
      const wanted = findingLines(abnormal, textOf);
      const merged = mergeAbnormalLines(lines, state.current, wanted);
      state.current = merged.state;
      const updates: { name: string[]; value: unknown }[] = [];
      if (merged.lines.join('\n') !== lines.join('\n')) updates.push({ name: ['abnormalities'], value: merged.lines.join('\n') });
      if (values['assessment'] === undefined && wanted.length > 0) updates.push({ name: ['assessment'], value: '2' });
      if (updates.length > 0) form.setFields(updates);
    },
    [readOnly, findings, confirmNoAbnormal, textOf, form],
  );
}
