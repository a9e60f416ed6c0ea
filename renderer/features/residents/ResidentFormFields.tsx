import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Collapse, Form, Input, Select, Space } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Village } from '../../../shared/api/session';
import * as cs from '../../../shared/domain/code-sets';
import { idTypes } from '../../../shared/domain/id-number';
import { CodeChecks } from './CodeChecks';
import { CodeRadio } from './CodeRadio';
import { useLang } from './code-options';
import { FLAG_KEYS, NAMED_PAST_DISEASES } from './resident-form-values';
import type { MoveDestination, OwnVillagePlace } from '../../../shared/api/residents';
import { destinationGroups, filterVillageOption, type VillageOption } from './move-destinations';

/** An own village's search keys; one the answer does not carry (not expected) is found by name or code only. */
function ownPlace(v: Village, places: readonly OwnVillagePlace[] | undefined): VillageOption['place'] {
  const keys = places?.find((p) => p.code === v.code);
  return { code: v.code, name: v.name, clinicName: '', pinyin: keys?.pinyin ?? '', initials: keys?.initials ?? '' };
}

export const FORM_PANELS = ['essentials', 'cover', 'personal', 'history', 'environment', 'groups'] as const;
export type FormPanel = (typeof FORM_PANELS)[number];

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The cover and 个人基本信息表 in collapsible groups, essentials first. Every panel renders even when closed, so a
 * value typed earlier is kept and an error in a closed panel can open it.
 */
export function ResidentFormFields(props: {
  villages: readonly Village[];
  /**
   * Editing only: the county's other villages (the resident moved to another clinic's area), offered after the
   * clinic's own under their clinic's name; choosing one shows `villageNotice` under the field.
   */
  moveTargets?: readonly MoveDestination[];
  /** The clinic's own villages with their pinyin keys (from the same answer), so initials find them too. */
  ownPlaces?: readonly OwnVillagePlace[];
  villageNotice?: ReactNode;
  open: FormPanel[];
  onOpen: (keys: FormPanel[]) => void;
}) {
  const { t } = useTranslation();
  const lang = useLang();
  const f = (key: string) => t(`residents.field.${key}`);
  const required = [{ required: true, whitespace: true, message: t('validation.required') }];
  const dateRule = [{ pattern: DATE_RE, message: t('validation.date') }];
  const codeField = (name: string, set: readonly cs.CodeItem[], maxRadios?: number) => (
    <Form.Item name={name} label={f(name)}>
      <CodeRadio set={set} aria-label={f(name)} maxRadios={maxRadios} />
    </Form.Item>
  );
  const checksField = (name: string, set: readonly cs.CodeItem[], exclusive = true, label = f(name)) => (
    <Form.Item name={name} label={label}>
      <CodeChecks set={set} exclusiveNone={exclusive} aria-label={label} />
    </Form.Item>
  );
  const text = (name: string, max = 60, extra?: { rules?: object[]; placeholder?: string }) => (
    <Form.Item name={name} label={f(name)} rules={extra?.rules as never}>
      <Input maxLength={max} placeholder={extra?.placeholder} />
    </Form.Item>
  );

  const items: { key: FormPanel; label: string; children: ReactNode }[] = [
    {
      key: 'essentials',
      label: t('residents.form.essentials'),
      children: (
        <div className="form-grid">
          <Form.Item name="name" label={f('name')} rules={required}>
            <Input maxLength={40} autoFocus />
          </Form.Item>
          <Form.Item name="idType" label={f('idType')}>
            <Select options={idTypes.map((x) => ({ value: x.code, label: x[lang] }))} />
          </Form.Item>
          <Form.Item name="idNumber" label={f('idNumber')} extra={t('residents.form.idHint')}>
            <Input maxLength={18} className="monospace" autoComplete="off" />
          </Form.Item>
          <Form.Item name="sex" label={f('sex')} rules={[{ required: true, message: t('validation.required') }]}>
            <CodeRadio set={cs.sex} aria-label={f('sex')} />
          </Form.Item>
          <Form.Item name="birthDate" label={f('birthDate')} rules={[...required, ...dateRule]}>
            <Input maxLength={10} placeholder={t('residents.form.datePlaceholder')} />
          </Form.Item>
          <Form.Item name="phone" label={f('phone')}>
            <Input maxLength={20} inputMode="tel" />
          </Form.Item>
          <Form.Item name="villageCode" label={f('villageCode')} rules={[{ required: true, message: t('validation.required') }]}>
            {props.moveTargets && props.moveTargets.length > 0 ? (
              <Select
                showSearch={{ filterOption: filterVillageOption }}
                options={[
                  { label: t('residents.moveEdit.ownGroup'), title: t('residents.moveEdit.ownGroup'), options: props.villages.map((v) => ({ value: v.code, label: v.name, place: ownPlace(v, props.ownPlaces) })) },
                  ...destinationGroups(props.moveTargets, (clinic) => t('residents.moveEdit.otherGroup', { clinic })),
                ]}
                aria-label={f('villageCode')}
              />
            ) : (
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                options={props.villages.map((v) => ({ value: v.code, label: v.name }))}
                aria-label={f('villageCode')}
              />
            )}
          </Form.Item>
          <Form.Item name="currentAddress" label={f('currentAddress')}>
            <Input maxLength={120} />
          </Form.Item>
          {props.villageNotice ? <div className="form-grid-wide">{props.villageNotice}</div> : null}
        </div>
      ),
    },
    {
      key: 'cover',
      label: t('residents.form.cover'),
      children: (
        <div className="form-grid">
          {text('registeredAddress', 120)}
          {text('townshipName')}
          {text('villageName')}
          {text('createdByOrg')}
          {text('createdBy', 40)}
          {text('responsibleDoctor', 40)}
          {text('createdDate', 10, { rules: [...required, ...dateRule], placeholder: t('residents.form.datePlaceholder') })}
        </div>
      ),
    },
    {
      key: 'personal',
      label: t('residents.form.personal'),
      children: (
        <div className="form-grid">
          {text('employer')}
          {text('contactName', 40)}
          {text('contactPhone', 20)}
          {codeField('residenceType', cs.residenceType)}
          {codeField('ethnicity', cs.ethnicity)}
          {codeField('bloodType', cs.bloodType)}
          {codeField('rhNegative', cs.rhNegative)}
          {codeField('education', cs.education, 0)}
          {codeField('occupation', cs.occupation, 0)}
          {codeField('maritalStatus', cs.maritalStatus)}
          <div className="form-grid-wide">
            {checksField('paymentMethods', cs.paymentMethods, false)}
            {text('paymentOther')}
          </div>
        </div>
      ),
    },
    {
      key: 'history',
      label: t('residents.form.history'),
      children: (
        <>
          {checksField('drugAllergies', cs.drugAllergies)}
          {text('drugAllergyOther')}
          {checksField('exposures', cs.exposures)}
          {checksField('pastDiseaseCodes', cs.pastDiseases, true, f('pastDiseases'))}
          <PastDiseaseDetails />
          <PastEvents name="surgeries" />
          <PastEvents name="injuries" />
          <PastEvents name="transfusions" />
          <fieldset className="form-fieldset">
            <legend>{f('familyHistory')}</legend>
            {checksField('familyFather', cs.familyHistory)}
            {checksField('familyMother', cs.familyHistory)}
            {checksField('familySiblings', cs.familyHistory)}
            {checksField('familyChildren', cs.familyHistory)}
          </fieldset>
          <Space wrap align="start">
            {codeField('geneticHas', cs.noneOrHas)}
            {text('geneticName')}
          </Space>
          {checksField('disabilities', cs.disabilities)}
          {text('disabilityOther')}
        </>
      ),
    },
    {
      key: 'environment',
      label: t('residents.form.environment'),
      children: (
        <div className="form-grid">
          {codeField('kitchenExhaust', cs.kitchenExhaust)}
          {codeField('fuelType', cs.fuelType)}
          {codeField('drinkingWater', cs.drinkingWater)}
          {codeField('toiletType', cs.toiletType, 0)}
          {codeField('livestockPen', cs.livestockPen)}
        </div>
      ),
    },
    {
      key: 'groups',
      label: t('residents.form.groups'),
      children: (
        <Form.Item name="flags" label={f('flags')}>
          <CheckFlags />
        </Form.Item>
      ),
    },
  ];

  return (
    <Collapse
      className="resident-form-panels"
      activeKey={props.open}
      onChange={(keys) => props.onOpen((Array.isArray(keys) ? keys : [keys]).filter((k): k is FormPanel => (FORM_PANELS as readonly string[]).includes(k)))}
      items={items.map((i) => ({ ...i, forceRender: true }))}
    />
  );
}

function CheckFlags(props: { value?: string[]; onChange?: (v: string[]) => void }) {
  const { t } = useTranslation();
  return (
    <Space wrap>
      {FLAG_KEYS.map((k) => (
        <label key={k} className="inline-check">
          <input
            type="checkbox"
            checked={props.value?.includes(k) ?? false}
            onChange={(e) => props.onChange?.(e.target.checked ? [...(props.value ?? []), k] : (props.value ?? []).filter((x) => x !== k))}
          />{' '}
          {t(`residents.flag.${k}`)}
        </label>
      ))}
    </Space>
  );
}

/** For each ticked past disease (other than 无): the diagnosis month, and a name for 恶性肿瘤 / 职业病 / 其他. */
function PastDiseaseDetails() {
  const { t } = useTranslation();
  const lang = useLang();
  const codes = (Form.useWatch('pastDiseaseCodes') as string[] | undefined) ?? [];
  const ticked = codes.filter((c) => c !== '1');
  if (ticked.length === 0) return null;
  return (
    <div className="past-disease-details">
      {ticked.map((code) => {
        const label = cs.labelOf(cs.pastDiseases, code, lang) ?? code;
        return (
          <Space key={code} wrap align="start">
            <Form.Item
              name={['pastDiseaseMonths', code]}
              label={t('residents.form.diagnosedMonth', { disease: label })}
              rules={[{ pattern: /^\d{4}-(0[1-9]|1[0-2])$/, message: t('validation.yearMonth') }]}
            >
              <Input maxLength={7} placeholder={t('residents.form.monthPlaceholder')} />
            </Form.Item>
            {NAMED_PAST_DISEASES.includes(code) && (
              <Form.Item name={['pastDiseaseNames', code]} label={t('residents.form.diseaseName', { disease: label })}>
                <Input maxLength={60} />
              </Form.Item>
            )}
          </Space>
        );
      })}
    </div>
  );
}

/** 手术 / 外伤 / 输血: 无 or 有 with rows of name and date. */
function PastEvents({ name }: { name: 'surgeries' | 'injuries' | 'transfusions' }) {
  const { t } = useTranslation();
  const has = Form.useWatch(`${name}Has`) as string | undefined;
  const label = t(`residents.field.${name}`);
  return (
    <div className="past-events">
      <Form.Item name={`${name}Has`} label={label}>
        <CodeRadio set={cs.noneOrHas} aria-label={label} />
      </Form.Item>
      {has === '2' && (
        <Form.List name={name}>
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Space key={field.key} align="start" wrap>
                  <Form.Item name={[field.name, 'name']} label={t(`residents.form.eventName.${name}`)}>
                    <Input maxLength={60} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'date']} label={t('residents.form.eventDate')}>
                    <Input maxLength={10} placeholder={t('residents.form.datePlaceholder')} />
                  </Form.Item>
                  <Button icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => remove(field.name)} className="row-remove" />
                </Space>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({})}>
                {t('residents.form.addRow')}
              </Button>
            </>
          )}
        </Form.List>
      )}
    </div>
  );
}
