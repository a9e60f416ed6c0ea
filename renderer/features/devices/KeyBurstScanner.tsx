import { App as AntApp, Button, Modal, Space } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResidentSummary } from '../../../shared/api/residents';
import { isHealthCardCode, KeyBurstDetector } from '../../../shared/domain/key-burst';
import { api } from '../../api-client';
import { errorText } from '../../app/api-errors';
import { ResidentPicker } from '../followups/ResidentPicker';
import { go } from '../residents/route';
import { healthCardPattern, setHealthCardPattern } from './health-card-pattern';

type Editable = HTMLInputElement | HTMLTextAreaElement;

const isEditable = (el: Element | null): el is Editable => el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement;

/** Puts a field back as it was before the scan, through the native setter so React's controlled value follows. */
function restore(el: Editable, value: string): void {
  const proto = el instanceof HTMLInputElement ? HTMLInputElement.prototype : HTMLTextAreaElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(el, value);
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

/**
 * 电子健康卡 scanners in keyboard mode: a burst of keystrokes faster than anyone types, ending in Enter, is taken
 * back out of whatever field had focus and looked up wherever the doctor is (shared/domain/key-burst.ts). A known
 * code opens its resident; an unknown one is stored, unverified, on the resident the doctor picks.
 */
export function KeyBurstScanner() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const detector = useRef(new KeyBurstDetector());
  const before = useRef<{ el: Editable; value: string } | null>(null);
  const [unknown, setUnknown] = useState<string | null>(null);
  const [resident, setResident] = useState<ResidentSummary | null>(null);

  useEffect(() => {
    // Until this answers, the placeholder pattern applies; the server checks each code against the saved one anyway.
    api.settings
      .get({})
      .then((s) => setHealthCardPattern(s.healthCardPattern))
      .catch(() => undefined);
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (detector.current.isIdle && e.key.length === 1) {
        const el = document.activeElement;
        before.current = isEditable(el) ? { el, value: el.value } : null;
      }
      const r = detector.current.push(e.key, e.timeStamp);
      if (r.kind !== 'burst' || !isHealthCardCode(r.text, healthCardPattern())) return;
      // The scan is not typing: no form submits on its Enter, and the field loses the scanned characters.
      e.preventDefault();
      e.stopPropagation();
      const b = before.current;
      if (b && document.activeElement === b.el) restore(b.el, b.value);
      api.devices
        .findByCode({ code: r.text })
        .then(({ residentId }) => {
          if (residentId) go('residents', { id: residentId });
          else setUnknown(r.text);
        })
        .catch((err: unknown) => void message.error(errorText(err)));
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [message]);

  const close = () => {
    setUnknown(null);
    setResident(null);
  };

  const save = async () => {
    if (!unknown || !resident) return;
    try {
      await api.devices.saveCode({ residentId: resident.id, code: unknown });
      void message.success(t('devices.scan.saved', { name: resident.name }));
      close();
      go('residents', { id: resident.id });
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  return (
    <Modal
      open={unknown !== null}
      title={t('devices.scan.title')}
      onCancel={close}
      destroyOnHidden
      footer={
        <Space>
          <Button onClick={close}>{t('common.cancel')}</Button>
          <Button type="primary" disabled={!resident} onClick={() => void save()}>
            {t('devices.scan.save')}
          </Button>
        </Space>
      }
    >
      <p data-testid="scan-unknown">{t('devices.scan.unknown')}</p>
      <ResidentPicker value={resident?.id ?? null} onChange={setResident} autoFocus />
    </Modal>
  );
}
