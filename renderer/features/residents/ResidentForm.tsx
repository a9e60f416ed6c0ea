import { Alert, App as AntApp, Button, Form, Space } from 'antd';
import type { ResidentInput } from '../../../shared/schemas/resident';
import { useMemo, useRef, useState } from 'react';
import { v7 as uuidv7 } from 'uuid';
import { useTranslation } from 'react-i18next';
import type { ResidentDetail } from '../../../shared/api/residents';
import type { UnlockedSession } from '../../app/section-pages';
import { parseIdNumber } from '../../../shared/domain/id-number';
import { type Resident, residentInputFor } from '../../../shared/schemas/resident';
import { zodIssuesToFields } from '../../../shared/api/fields';
import { api, ApiError } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { takeCardPhoto, takeCardPrefill } from '../devices/card-identity';
import { DuplicateDialog, type DuplicateInfo } from './DuplicateDialog';
import { placeIssues } from './place-issues';
import { formPathOf, fromResident, type ResidentFormValues, toResidentInput } from './resident-form-values';
import { FORM_PANELS, type FormPanel, ResidentFormFields } from './ResidentFormFields';
import { useClinic } from './use-clinic';
import { useFormKeys } from './use-form-keys';
import { selectableVillages } from '../../app/village-scope';
import { useMoveDestinations } from './move-destinations';

/**
 * 新建档案 / 编辑档案: the shared rules run in the browser first, so most mistakes show before anything is sent.
 *
 * Editing, the village field also offers the county's other villages (the list the platform sent). Choosing one does
 * not save the village: the form explains that the county platform moves the record, and its one button saves the
 * other changes and files the 迁出申请 in one call (`residents.requestMove` with `update`), one transaction on the
 * device: the edit first, with the village as it was, then the request.
 */
export function ResidentForm(props: {
  session: UnlockedSession;
  resident?: Resident;
  onSaved: (d: ResidentDetail) => void;
  onOpen: (id: string) => void;
  onCancel: () => void;
}) {
  // The id a new record gets, made once per form: saving again after a lost answer writes nothing twice.
  const clientId = useRef(uuidv7());
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<ResidentFormValues>();
  const { settings, today } = useClinic();
  const [open, setOpen] = useState<FormPanel[]>(props.resident ? [...FORM_PANELS] : ['essentials', 'cover']);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [duplicate, setDuplicate] = useState<DuplicateInfo | null>(null);
  const placed = useRef(new Set<string>());
  const editing = props.resident;
  const destinations = useMoveDestinations(editing !== undefined);
  const chosenVillage = Form.useWatch('villageCode', form);
  const moveTarget = editing && chosenVillage !== editing.villageCode ? destinations?.villages.find((v) => v.code === chosenVillage) : undefined;

  const initialValues = useMemo<ResidentFormValues>(
    () =>
      editing
        ? fromResident(editing)
        : {
            idType: 'residentId',
            createdDate: today,
            createdBy: props.session.user.displayName,
            responsibleDoctor: props.session.user.displayName,
            createdByOrg: props.session.clinic.name,
            residenceType: '1',
            ethnicity: '01',
            // Opened by 读卡 for a card with no record: name, sex, ethnicity, birth date, address, ID number.
            ...takeCardPrefill(),
          },
    // The form is mounted once per record; later clock ticks must not reset what was typed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [editing?.id],
  );

  /** The address edit to another clinic's village: the other changes and the request, in one call. */
  const requestMove = async (resident: Resident, toVillageCode: string, update: ResidentInput) => {
    await api.residents.requestMove({ id: resident.id, toVillageCode, reason: '', update: { ...update, villageCode: resident.villageCode } });
    void message.success(t('residents.moveEdit.done'));
    props.onOpen(resident.id);
  };

  const showIssues = (issues: Parameters<typeof placeIssues>[1]['errors'], input: Record<string, unknown>) => {
    placed.current = placeIssues(form, { errors: issues }, (p) => formPathOf(p, input), placed.current);
    setOpen([...FORM_PANELS]);
  };

  const submit = async (values: ResidentFormValues) => {
    setFailure(null);
    const input = toResidentInput(values);
    const checked = residentInputFor(today).safeParse(input);
    if (!checked.success) {
      showIssues(zodIssuesToFields(checked.error.issues), input);
      return;
    }
    placed.current = placeIssues(form, { errors: [] }, (p) => formPathOf(p, input), placed.current);
    setBusy(true);
    try {
      if (editing && moveTarget) {
        await requestMove(editing, moveTarget.code, checked.data);
        return;
      }
      const saved = editing
        ? await api.residents.update({ id: editing.id, input: checked.data })
        : await api.residents.create({ input: checked.data, clientId: clientId.current });
      void message.success(t(editing ? 'residents.form.updated' : 'residents.form.created', { recordNo: saved.resident.recordNo }));
      const photoId = editing ? null : takeCardPhoto(saved.resident.idNumber ?? '');
      if (photoId) await api.devices.storeCardPhoto({ residentId: saved.resident.id, photoId }).catch((e: unknown) => void message.error(errorText(e)));
      props.onSaved(saved);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'DUPLICATE_RESIDENT') {
        const str = (v: unknown) => (typeof v === 'string' ? v : '');
        setDuplicate({ existingId: str(e.details.existingId), name: str(e.details.name), recordNo: str(e.details.recordNo) });
      } else if (e instanceof ApiError && e.fields.length > 0) {
        showIssues(e.fields, input);
        setFailure(e);
      } else {
        setFailure(e);
      }
    } finally {
      setBusy(false);
    }
  };

  const onValuesChange = (changed: Partial<ResidentFormValues>) => {
    // The ID number holds the birth date and sex (GB 11643): fill them the moment the number is complete.
    if (changed.idNumber !== undefined && (form.getFieldValue('idType') ?? 'residentId') === 'residentId') {
      const parsed = parseIdNumber(changed.idNumber, today);
      if (parsed.ok) {
        form.setFieldsValue({ birthDate: parsed.birthDate, sex: String(parsed.sex) });
        void form.validateFields(['birthDate', 'sex']).catch(() => undefined);
      }
    }
  };

  const keys = useFormKeys(() => form.submit());

  return (
    <section className="resident-form" ref={keys.ref} onKeyDownCapture={keys.onKeyDownCapture} aria-label={t(editing ? 'residents.form.editTitle' : 'residents.form.newTitle')}>
      <h2>{editing ? t('residents.form.editTitle') : t('residents.form.newTitle')}</h2>
      <Form<ResidentFormValues>
        form={form}
        layout="vertical"
        initialValues={initialValues}
        onValuesChange={onValuesChange}
        onFinish={(v) => void submit(v)}
        onFinishFailed={() => setOpen([...FORM_PANELS])}
        scrollToFirstError
        disabled={busy}
      >
        <ResidentFormFields
          villages={selectableVillages(settings?.villages ?? [])}
          moveTargets={editing ? destinations?.villages : undefined}
          ownPlaces={destinations?.own}
          villageNotice={
            moveTarget ? (
              <Alert
                type="warning"
                showIcon
                data-testid="move-edit-notice"
                title={t('residents.moveEdit.title', { village: moveTarget.name, clinic: moveTarget.clinicName })}
                description={t('residents.moveEdit.detail', { clinic: moveTarget.clinicName })}
                action={
                  <Button type="primary" htmlType="submit" loading={busy}>
                    {t('residents.moveEdit.submit')}
                  </Button>
                }
              />
            ) : null
          }
          open={open}
          onOpen={setOpen}
        />
        {failure !== null && <Alert type="error" showIcon title={errorText(failure)} className="form-alert form-alert-top" />}
        <Space className="resident-form-actions">
          <Button type="primary" htmlType="submit" loading={busy}>
            {moveTarget ? t('residents.moveEdit.submit') : editing ? t('common.save') : t('residents.form.create')}
          </Button>
          <Button onClick={props.onCancel}>{t('common.cancel')}</Button>
        </Space>
      </Form>
      <DuplicateDialog
        duplicate={duplicate}
        mergeFromId={editing && !editing.idNumber ? editing.id : undefined}
        onOpenExisting={(id) => {
          setDuplicate(null);
          props.onOpen(id);
        }}
        onMerged={(d) => {
          setDuplicate(null);
          props.onSaved(d);
        }}
        onClose={() => setDuplicate(null)}
      />
    </section>
  );
}
