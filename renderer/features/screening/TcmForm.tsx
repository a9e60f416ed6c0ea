/**
 * 老年人中医药健康管理服务记录表: the 33 items as printed (texts are the national form's, shown as printed), each
 * answered 1–5; the result and the guidance per determined type appear as soon as every item is answered.
 */
import { Alert, Button, Checkbox, Form, Input, Radio, Space, Table } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TcmAssessmentView } from '../../../shared/api/screening';
import {
  defaultGuidance,
  GUIDANCE_CODES,
  GUIDANCE_NAMES_ZH,
  GUIDANCE_ZH,
  scoreTcm,
  TCM_ITEMS,
  TCM_SCALE_ZH,
  TYPE_NAMES_ZH,
  type ConstitutionType,
  type GuidanceCode,
  type TcmScore,
} from '../../../shared/domain/tcm';
import { api } from '../../api-client';
import { applyFieldErrors, errorText } from '../../app/api-errors';

interface FormValues {
  doctorSignature: string;
  guidanceOther?: string;
}

export function TcmForm({ residentId, today, onSaved }: { residentId: string; today: string; onSaved: (v: TcmAssessmentView) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [answers, setAnswers] = useState<(TcmScore | null)[]>(() => TCM_ITEMS.map(() => null));
  const [guidance, setGuidance] = useState<Partial<Record<ConstitutionType, GuidanceCode[]>>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const scored = useMemo(() => scoreTcm(answers), [answers]);
  const constitutions = scored.ok ? scored.constitutions : [];

  const answer = (i: number, v: TcmScore) => {
    const next = [...answers];
    next[i] = v;
    setAnswers(next);
    const s = scoreTcm(next);
    if (s.ok) setGuidance((g) => ({ ...defaultGuidance(s.constitutions), ...g }));
  };

  const save = async (v: FormValues) => {
    try {
      const picked = Object.fromEntries(constitutions.map((c) => [c, guidance[c] ?? []]));
      const other = v.guidanceOther?.trim();
      onSaved(await api.tcm.record({ residentId, date: today, answers, guidance: picked, ...(other ? { guidanceOther: other } : {}), doctorSignature: v.doctorSignature }));
      setFailure(null);
    } catch (e) {
      applyFieldErrors(form, e);
      setFailure(errorText(e));
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={(v: FormValues) => void save(v)} className="tcm-form" data-testid="tcm-form">
      <p>{t('screening.tcm.scale')}</p>
      <ol className="tcm-items">
        {TCM_ITEMS.map((item, i) => (
          <li key={item.no} data-testid={`tcm-item-${item.no}`}>
            <div className="tcm-question">
              {item.zh}
              {item.noteZh ? <span className="tcm-note">（{item.noteZh}）</span> : null}
            </div>
            <Radio.Group
              value={answers[i]}
              onChange={(e) => answer(i, e.target.value as TcmScore)}
              options={[1, 2, 3, 4, 5].map((v) => ({ value: v, label: `${v} ${(item.anchorsZh ?? TCM_SCALE_ZH)[v - 1] ?? ''}` }))}
            />
          </li>
        ))}
      </ol>
      {!scored.ok && scored.missing.length < TCM_ITEMS.length ? (
        <Alert type="info" showIcon title={t('screening.tcm.missing', { items: scored.missing.join('、') })} />
      ) : null}
      {scored.ok ? (
        <>
          <h4>{t('screening.tcm.result')}</h4>
          <Table
            size="small"
            pagination={false}
            rowKey="type"
            dataSource={scored.scores}
            columns={[
              { title: t('screening.tcm.result'), dataIndex: 'type', render: (v: ConstitutionType) => TYPE_NAMES_ZH[v] },
              { title: t('screening.tcm.sum', { sum: '' }), dataIndex: 'sum' },
              { title: '', dataIndex: 'result', render: (v: string) => <span data-testid="tcm-result">{t(`screening.tcm.resultName.${v}`)}</span> },
            ]}
          />
          <h4>{t('screening.tcm.guidance')}</h4>
          {constitutions.map((c) => (
            <div key={c} className="tcm-guidance" data-testid={`tcm-guidance-${c}`}>
              <strong>{TYPE_NAMES_ZH[c]}</strong>
              <Checkbox.Group
                value={guidance[c] ?? []}
                onChange={(v) => setGuidance({ ...guidance, [c]: v })}
                options={GUIDANCE_CODES.map((code) => ({ value: code, label: `${GUIDANCE_NAMES_ZH[code]}${GUIDANCE_ZH[c][code] ? `：${GUIDANCE_ZH[c][code]}` : ''}` }))}
              />
            </div>
          ))}
          {/* 其他 (code 6) carries its own words, printed on the sheet. */}
          {constitutions.some((c) => guidance[c]?.includes(6)) ? (
            <Form.Item name="guidanceOther" label={t('screening.tcm.guidanceOther')}>
              <Input maxLength={200} data-testid="tcm-guidance-other" />
            </Form.Item>
          ) : null}
        </>
      ) : null}
      {failure ? <Alert type="error" showIcon title={failure} /> : null}
      <Space align="end">
        <Form.Item name="doctorSignature" label={t('screening.tcm.doctor')} rules={[{ required: true, message: t('validation.required') }]}>
          <Input style={{ width: 160 }} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit">
            {t('screening.tcm.save')}
          </Button>
        </Form.Item>
      </Space>
    </Form>
  );
}
