import { Alert, App as AntApp, Button, Card, Checkbox, Col, Form, Input, InputNumber, Radio, Row, Select, Space } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ContractView } from '../../../shared/api/contracting';
import type { ResidentDetail, ResidentSummary } from '../../../shared/api/residents';
import { POPULATION_TAGS, type PopulationTag } from '../../../shared/domain/population-tags';
import { isPackageFor } from '../../../shared/domain/service-packages';
import type { DoctorTeam, ServicePackage } from '../../../shared/schemas/contract';
import { ApiError, api } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { selectableTeams } from '../../app/village-scope';
import { fieldIssueText } from '../../i18n';
import { DateInput } from '../followups/DateInput';
import { ResidentPicker } from '../followups/ResidentPicker';
import { nameSignature, SignaturePad } from './SignaturePad';

interface SignValues {
  scope: 'resident' | 'household';
  teamId?: string;
  doctorId?: string;
  packageIds: string[];
  selfPay: number;
  insurance: number;
  publicHealth: number;
  startDate: string;
  signDate: string;
  signerName?: string;
}

const fen = (yuan: number) => Math.round(yuan * 100);

export function doctorsOf(team: DoctorTeam | undefined) {
  return (team?.members ?? []).filter((m) => m.role === 'familyDoctor' || m.role === 'villageDoctor');
}

export function tagsOf(summary: ResidentSummary | undefined): PopulationTag[] {
  return (summary?.tags ?? []).filter((t): t is PopulationTag => (POPULATION_TAGS as readonly string[]).includes(t));
}

/**
 * 签约: one resident or the whole household for one year. The basic package is always in; personalised packages are
 * offered by the resident's population tags; fees default to the packages' price paid by the resident and must add
 * up. The resident signs on the pad; the doctor's name becomes the doctor's signature image.
 */
export function SignForm(props: {
  teams: DoctorTeam[];
  packages: ServicePackage[];
  today: string;
  initialResidentId?: string;
  onSigned: (views: ContractView[]) => void;
}) {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<SignValues>();
  const [detail, setDetail] = useState<ResidentDetail | null>(null);
  const [signature, setSignature] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [padKey, setPadKey] = useState(0);
  const teamId = Form.useWatch('teamId', form);
  const doctorId = Form.useWatch('doctorId', form);
  const watchedPackageIds = Form.useWatch('packageIds', form);
  const scope = Form.useWatch('scope', form) ?? 'resident';
  const fees = [Form.useWatch('selfPay', form), Form.useWatch('insurance', form), Form.useWatch('publicHealth', form)];
  const lang = i18n.language === 'en' ? 'en' : 'zh';

  useEffect(() => {
    if (!props.initialResidentId) return;
    api.residents
      .get({ id: props.initialResidentId })
      .then(setDetail)
      .catch(() => undefined);
  }, [props.initialResidentId]);

  const team = props.teams.find((x) => x.teamId === teamId);
  const doctor = doctorsOf(team).find((m) => m.staffId === doctorId);
  const tags = tagsOf(detail?.summary);
  const optional = props.packages.filter((p) => !p.isBasic && (scope === 'household' || isPackageFor(p, tags)));
  const price = useMemo(() => {
    const chosen = watchedPackageIds ?? [];
    return props.packages.filter((p) => p.isBasic || chosen.includes(p.packageId)).reduce((s, p) => s + fen(p.priceYuan), 0) / 100;
  }, [props.packages, watchedPackageIds]);
  const feeSum = fees.reduce<number>((s, f) => s + fen(typeof f === 'number' ? f : 0), 0) / 100;

  useEffect(() => {
    form.setFieldsValue({ selfPay: price, insurance: 0, publicHealth: 0 });
  }, [price, form]);

  useEffect(() => {
    const first = doctorsOf(team)[0];
    if (team && !doctorsOf(team).some((m) => m.staffId === form.getFieldValue('doctorId'))) form.setFieldValue('doctorId', first?.staffId);
  }, [team, form]);

  const sign = async (v: SignValues) => {
    if (!detail) return;
    const doctorSignature = doctor ? nameSignature(doctor.name) : null;
    if (!signature || !doctorSignature) {
      void message.error(t('contracts.sign.needSignature'));
      return;
    }
    setBusy(true);
    try {
      const household = v.scope === 'household' && detail.household;
      const views = await api.contracts.sign({
        ...(household ? { householdId: detail.household?.id } : { residentId: detail.resident.id }),
        teamId: v.teamId ?? '',
        doctorId: v.doctorId ?? '',
        packageIds: v.packageIds ?? [],
        startDate: v.startDate,
        signDate: v.signDate,
        fees: { selfPay: v.selfPay ?? 0, insurance: v.insurance ?? 0, publicHealth: v.publicHealth ?? 0 },
        residentSignature: signature,
        doctorSignature,
        ...(v.signerName?.trim() ? { signerName: v.signerName.trim() } : {}),
      });
      void message.success(t('contracts.sign.signed', { count: views.length }));
      setSignature(null);
      setPadKey((k) => k + 1);
      props.onSigned(views);
    } catch (e) {
      void message.error(errorText(e));
      if (e instanceof ApiError) {
        const known = new Set(['teamId', 'doctorId', 'packageIds', 'startDate', 'signDate', 'signerName']);
        const rename: Record<string, string> = { 'fees.selfPay': 'selfPay', feeTotal: 'selfPay', 'fees.insurance': 'insurance', 'fees.publicHealth': 'publicHealth' };
        form.setFields(
          e.fields
            .map((f) => ({ name: rename[f.path] ?? f.path.split('.')[0] ?? '', errors: [fieldIssueText(f)] }))
            .filter((f) => known.has(f.name) || Object.values(rename).includes(f.name)) as { name: keyof SignValues; errors: string[] }[],
        );
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title={t('contracts.sign.title')} className="form-card">
      <Form<SignValues>
        form={form}
        layout="vertical"
        initialValues={{ scope: 'resident', packageIds: [], startDate: props.today, signDate: props.today, selfPay: 0, insurance: 0, publicHealth: 0 }}
        onFinish={(v) => void sign(v)}
        disabled={busy}
      >
        <Form.Item label={t('followups.picker.label')} required>
          <ResidentPicker
            id="sign-resident"
            value={detail?.resident.id ?? null}
            initial={detail?.summary ?? null}
            onChange={(r) => {
              setDetail(null);
              if (r)
                api.residents
                  .get({ id: r.id })
                  .then(setDetail)
                  .catch((e: unknown) => void message.error(errorText(e)));
            }}
          />
        </Form.Item>
        {detail ? (
          <Form.Item name="scope" label={t('contracts.sign.scope')}>
            <Radio.Group
              options={[
                { value: 'resident', label: t('contracts.sign.scopeResident', { name: detail.resident.name }) },
                {
                  value: 'household',
                  disabled: !detail.household,
                  label: detail.household
                    ? t('contracts.sign.scopeHousehold', { names: detail.household.members.map((m) => m.name).join('、') })
                    : t('contracts.sign.noHousehold'),
                },
              ]}
            />
          </Form.Item>
        ) : null}
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="teamId" label={t('contracts.sign.team')} rules={[{ required: true, message: t('form.required') }]}>
              <Select options={selectableTeams(props.teams).map((x) => ({ value: x.teamId, label: x.teamName }))} notFoundContent={t('contracts.teams.none')} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="doctorId" label={t('contracts.sign.doctor')} rules={[{ required: true, message: t('form.required') }]}>
              <Select options={doctorsOf(team).map((m) => ({ value: m.staffId, label: `${m.name}（${t(`contracts.role.${m.role}`)}）` }))} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label={t('contracts.sign.packages')}>
          <Space orientation="vertical">
            {props.packages
              .filter((p) => p.isBasic)
              .map((p) => (
                <Checkbox key={p.packageId} checked disabled>
                  {p.name[lang]}（{t('contracts.sign.free')}）
                </Checkbox>
              ))}
            <Form.Item name="packageIds" noStyle>
              <Checkbox.Group options={optional.map((p) => ({ value: p.packageId, label: `${p.name[lang]}（¥${p.priceYuan}）` }))} />
            </Form.Item>
          </Space>
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} md={6}>
            <Form.Item label={t('contracts.sign.feeTotal')}>
              <output data-testid="fee-total">¥{price}</output>
            </Form.Item>
          </Col>
          <Col xs={8} md={6}>
            <Form.Item name="selfPay" label={t('contracts.fees.selfPay')}>
              <InputNumber min={0} precision={2} prefix="¥" />
            </Form.Item>
          </Col>
          <Col xs={8} md={6}>
            <Form.Item name="insurance" label={t('contracts.fees.insurance')}>
              <InputNumber min={0} precision={2} prefix="¥" />
            </Form.Item>
          </Col>
          <Col xs={8} md={6}>
            <Form.Item name="publicHealth" label={t('contracts.fees.publicHealth')}>
              <InputNumber min={0} precision={2} prefix="¥" />
            </Form.Item>
          </Col>
        </Row>
        {fen(feeSum) !== fen(price) ? <Alert type="warning" showIcon className="form-alert" title={t('validation.contract.feesDoNotAddUp')} /> : null}
        <Row gutter={16}>
          <Col xs={12} md={6}>
            <Form.Item name="startDate" label={t('contracts.sign.startDate')} rules={[{ required: true, message: t('form.required') }]}>
              <DateInput />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name="signDate" label={t('contracts.sign.signDate')} rules={[{ required: true, message: t('form.required') }]}>
              <DateInput max={props.today} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="signerName" label={t('contracts.sign.signerName')} extra={t('contracts.sign.signerHint')}>
              <Input maxLength={40} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label={t('contracts.sign.residentSignature')} required>
          <SignaturePad key={padKey} onChange={setSignature} label={t('contracts.sign.residentSignature')} testId="resident-signature" />
        </Form.Item>
        <Form.Item label={t('contracts.sign.doctorSignature')}>
          <span data-testid="doctor-signature-name">{doctor?.name ?? '—'}</span>
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} disabled={!detail || !signature}>
          {t('contracts.sign.submit')}
        </Button>
      </Form>
    </Card>
  );
}
