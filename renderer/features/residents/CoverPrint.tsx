import i18next from 'i18next';
import type { ResidentDetail } from '../../../shared/api/residents';

/** 居民健康档案封面 (records.md §1) as printed: the fields of the paper cover, with the record number on top. */
export function CoverPrint({ detail }: { detail: ResidentDetail }) {
  // Paper is always in Chinese, whatever the screen's language (the county reads it).
  const t = i18next.getFixedT('zh-CN');
  const r = detail.resident;
  const rows: [string, string | undefined][] = [
    ['name', r.name],
    ['currentAddress', r.currentAddress],
    ['registeredAddress', r.registeredAddress],
    ['phone', r.phone],
    ['townshipName', r.townshipName],
    ['villageName', r.villageName ?? detail.summary.villageName],
    ['createdByOrg', r.createdByOrg],
    ['createdBy', r.createdBy],
    ['responsibleDoctor', r.responsibleDoctor],
    ['createdDate', r.createdDate],
  ];
  return (
    <div className="print-cover-sheet">
      <div className="print-record-no">
        {t('residents.field.recordNo')}: {r.recordNo}
      </div>
      <h1>{t('residents.print.coverTitle')}</h1>
      <table className="print-cover">
        <tbody>
          {rows.map(([key, value]) => (
            <tr key={key}>
              <th>{t(`residents.field.${key}`)}</th>
              <td>{value ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
