/**
 * A routine hypertension follow-up from the work list, counted (issue 16 item 4): keyboard only in ≤ 25 key presses
 * (Enter ticks 无症状 / 规律 / 无 and moves on, Ctrl+Enter completes, Enter on the success screen opens the next
 * patient), and with the mouse in ≤ 10 interactions (a click or a filled field each). The counts are printed. Also:
 * the first screen holds what a routine visit needs, the rest is folded, and a draft save keeps the focus.
 * Screenshots of the form go to test-results/screenshots/ (1366×768, normal and large text).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { addDays, dateInZone, DEFAULT_TIME_ZONE } from '../../shared/domain/dates';
import { apiCall, type E2eHost, foreignPdfFonts, idNumber, initClinic, keepPrintedSheet, makeDataDir, ROOT, signIn, startHost } from './fixtures';

test.describe.configure({ mode: 'serial' });

const VILLAGE = '441521101201';
const SHOTS = join(ROOT, 'test-results', 'screenshots');
const VIEWPORT = { width: 1366, height: 768 };
const today = dateInZone(Date.now(), DEFAULT_TIME_ZONE);

let host: E2eHost;
let page: Page;
const pageErrors: string[] = [];
const patients: { id: string; name: string }[] = [];
/** The patient the keyboard test completed (the work list's order decides who is first). */
let keyboardPatient = '';

/** A hypertension patient seen 12 weeks ago on 硝苯地平, whose next visit is due today: a routine line on the work list. */
async function dueHtnPatient(name: string, seq: number): Promise<void> {
  const call = <T>(method: string, input: unknown) => apiCall<T>(host, method, input);
  const birthDate = `1960-0${(seq % 9) + 1}-15`;
  const r = await call<{ resident: { id: string } }>('residents.create', {
    input: { name, createdDate: today, sex: '1', birthDate, idNumber: idNumber(birthDate, seq), phone: `1390000${String(seq).padStart(4, '0')}`, villageCode: VILLAGE },
  });
  const id = r.resident.id;
  const seen = addDays(today, -84);
  await call('registries.enrol', { residentId: id, enrolment: { disease: 'htn', diagnosisDate: addDays(today, -400), diagnosingOrg: '海丰县人民医院', enrolledDate: addDays(today, -300) } });
  await call('followups.complete', {
    residentId: id,
    followup: {
      disease: 'htn',
      form: {
        visitDate: seen,
        visitMode: 1,
        symptoms: [1],
        sbp: 132,
        dbp: 82,
        adherence: 1,
        adverseReaction: 1,
        medications: [{ drugName: '硝苯地平缓释片', timesPerDay: 2, doseMg: 10 }],
        classification: 1,
        nextStep: 1,
        nextVisitDate: today,
        // The rules would book 3 months on; today keeps the line due now.
        override: { reason: '患者约定今天复诊' },
        doctorSignature: '李医生',
      },
    },
  });
  patients.push({ id, name });
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = makeDataDir();
  initClinic(dataDir);
  host = await startHost(dataDir);
  page = await browser.newPage({ viewport: VIEWPORT });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(host.url);
  await signIn(page);
  await expect(page.locator('main h1')).toHaveText('工作台');
  await dueHtnPatient('赵大山', 31);
  await dueHtnPatient('钱二河', 33);
  await dueHtnPatient('孙三林', 35);
});

test.afterAll(async () => {
  if (page) await page.close();
  if (host) await host.stop();
});

/** Key presses as a person makes them: a combination (Ctrl+Enter) is one press, typed text one per character. */
const keys = {
  count: 0,
  async press(key: string) {
    this.count += 1;
    await page.keyboard.press(key);
  },
  async type(text: string) {
    this.count += text.length;
    await page.keyboard.type(text);
  },
};

const focusedIs = (selector: string) => page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector);

test('keyboard only: a routine hypertension follow-up from the work list in at most 25 key presses, then the next patient with Enter', async () => {
  // Alt+1 on the work list starts it over from its heading, as from any other section.
  await keys.press('Alt+Digit1');
  await expect(page.locator('main h1')).toBeFocused();
  await expect(page.locator('.worklist-group tr.work-row[data-kind="followup"]', { hasText: '赵大山' })).toBeVisible();
  // Tab to the first follow-up line of the list, counting every press.
  for (let i = 0; i < 20 && !(await focusedIs('a[href*="open=new"]')); i++) await keys.press('Tab');
  expect(await focusedIs('a[href*="open=new"]')).toBe(true);
  const first = (await page.evaluate(() => document.activeElement?.textContent)) ?? '';
  keyboardPatient = first;
  await keys.press('Enter');

  const sbp = page.getByTestId('sbp');
  await expect(sbp).toBeFocused();
  await keys.type('138');
  await keys.press('Enter');
  await expect(page.getByTestId('dbp')).toBeFocused();
  await keys.type('84');
  await keys.press('Enter');
  // Enter on a choice ticks it and moves on: 无症状, 规律, 无.
  const noSymptom = page.getByTestId('symptoms-htn').locator('input[type=checkbox]').first();
  await expect(noSymptom).toBeFocused();
  await keys.press('Enter');
  await expect(noSymptom).toBeChecked();
  const regular = page.getByTestId('adherence').locator('input[type=radio]').first();
  await expect(regular).toBeFocused();
  await keys.press('Enter');
  await expect(regular).toBeChecked();
  const noReaction = page.getByTestId('adverse-reaction').locator('input[type=radio]').first();
  await expect(noReaction).toBeFocused();
  await keys.press('Enter');
  await expect(noReaction).toBeChecked();
  // 有无危急情况 is asked on the first screen: Enter answers 无.
  const noEmergency = page.getByTestId('has-emergency').locator('input[type=radio]').first();
  await expect(noEmergency).toBeFocused();
  await keys.press('Enter');
  await expect(noEmergency).toBeChecked();
  await expect(page.getByTestId('proposed-class-htn')).toHaveText('控制满意');
  await keys.press('Control+Enter');

  await expect(page.getByTestId('followup-done')).toContainText('随访已完成');
  const next = page.getByTestId('next-patient');
  await expect(next).toBeFocused();
  await expect(next).toContainText('下一位');
  const keyCount = keys.count;
  await keys.press('Enter');
  await expect(page.getByTestId('resident-line')).not.toContainText(first);
  await expect(page.getByTestId('sbp')).toBeFocused();
  const done = await apiCall<{ followup: { form: Record<string, unknown> } }[]>(host, 'followups.forResident', { residentId: patients.find((p) => p.name === first)?.id });
  expect(done[0]?.followup.form).toMatchObject({ sbp: 138, dbp: 84, symptoms: [1], adherence: 1, adverseReaction: 1, classification: 1, medications: [{ drugName: '硝苯地平缓释片' }] });
  console.log(`keyboard-only routine follow-up: ${keyCount} key presses to complete, ${keys.count} with the next patient opened`);
  expect(keys.count).toBeLessThanOrEqual(25);
});

test('mouse: a routine hypertension follow-up from the work list in at most 10 interactions', async () => {
  let interactions = 0;
  const click = async (target: ReturnType<Page['locator']>) => {
    interactions += 1;
    await target.click();
  };
  const fill = async (target: ReturnType<Page['locator']>, value: string) => {
    interactions += 1;
    await target.fill(value);
  };
  await click(page.locator('nav a', { hasText: '工作台' }));
  const link = page.locator('main a[href*="open=new"]').first();
  const name = (await link.textContent()) ?? '';
  await click(link);
  await fill(page.getByTestId('sbp'), '156');
  await fill(page.getByTestId('dbp'), '88');
  await click(page.getByTestId('symptoms-htn').getByText('无症状'));
  await click(page.getByTestId('adherence').getByText('规律'));
  await click(page.getByTestId('adverse-reaction').getByText('无', { exact: true }));
  await click(page.getByTestId('has-emergency').getByText('无', { exact: true }));
  await expect(page.getByTestId('proposed-class-htn')).toHaveText('控制不满意');
  await click(page.getByRole('button', { name: '完成随访' }));
  await expect(page.getByTestId('followup-done')).toContainText(name);
  console.log(`mouse routine follow-up: ${interactions} interactions`);
  expect(interactions).toBeLessThanOrEqual(10);
});

/** The routine visit's fields and the proposal lie above the status bar and overlap nothing else on the first screen. */
async function expectFirstScreen(label: string): Promise<void> {
  const ids = ['sbp', 'dbp', 'symptoms-htn', 'adherence', 'adverse-reaction', 'has-emergency', 'decision-htn', 'proposed-date-htn'];
  for (const id of ids) {
    await expect(page.getByTestId(id)).toBeVisible();
    const box = await page.getByTestId(id).boundingBox();
    // Above the status bar at the bottom of the window.
    expect(box && box.y >= 0 && box.y + box.height <= VIEWPORT.height - 36, `${label}: ${id} on the first screen (${JSON.stringify(box)})`).toBe(true);
  }
  await expect(page.locator('.followup-form #visitDate')).toBeInViewport();
  const overlapping = await page.evaluate((testIds) => {
    const boxes = testIds.filter((id) => id !== 'proposed-date-htn' && id !== 'decision-htn').map((id) => ({ id, r: document.querySelector(`[data-testid="${id}"]`)?.getBoundingClientRect() }));
    const out: string[] = [];
    for (const a of boxes) for (const b of boxes) {
      if (!a.r || !b.r || a.id >= b.id) continue;
      if (a.r.left < b.r.right && b.r.left < a.r.right && a.r.top < b.r.bottom && b.r.top < a.r.bottom) out.push(`${a.id}/${b.id}`);
    }
    return out;
  }, ids);
  expect(overlapping, label).toEqual([]);
}

test('the first screen holds the routine visit; the rest is folded; the save bar covers nothing', async () => {
  await page.getByTestId('next-patient').click();
  const form = page.locator('.followup-form');
  await expectFirstScreen('normal text');
  // Folded: lifestyle and signs. Open because carried over: the drug list, marked for checking.
  await expect(form.getByLabel('日吸烟量 本次')).toBeHidden();
  await expect(form.locator('#heartRate')).toBeHidden();
  await expect(form.getByText('沿用上次 1 种药，请核对')).toBeVisible();
  await expect(form.getByLabel('药物名称 1')).toHaveValue('硝苯地平缓释片');
  // Every field the completion rule needs carries the mark.
  const marked = await form.locator('.ant-form-item-required').allInnerTexts();
  for (const label of ['随访日期', '随访方式', '收缩压', '舒张压', '症状', '服药依从性', '药物不良反应', '随访医生签名']) {
    expect(marked.some((m) => m.includes(label)), label).toBe(true);
  }
  // The drug list is required once the patient takes medicine (规律 or 间断), as the completion rule says.
  await page.getByTestId('adherence').getByText('规律').click();
  expect((await form.locator('.ant-form-item-required').allInnerTexts()).some((m) => m.includes('用药情况'))).toBe(true);
  const overlaps = await page.evaluate(() => {
    const bar = document.querySelector('.followup-form .form-actions')?.getBoundingClientRect();
    if (!bar) return ['no save bar'];
    return Array.from(document.querySelectorAll('.followup-form input, .followup-form textarea'))
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && r.bottom > bar.top && r.top < bar.bottom && r.right > bar.left && r.left < bar.right)
      .map(({ el }) => el.getAttribute('aria-label') ?? el.id);
  });
  expect(overlaps).toEqual([]);
  await expect(page.getByTestId('keys-hint')).toContainText('Ctrl+Enter');
  for (const large of [false, true]) {
    const toggle = page.getByRole('switch', { name: '大字模式' });
    if ((await toggle.getAttribute('aria-checked')) !== String(large)) await toggle.click();
    await page.screenshot({ path: join(SHOTS, `followup-first-screen${large ? '-large' : ''}.png`) });
  }
  // Large text: the same first screen, from the top, with the proposal and its next visit date (issue 16 item 5).
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.locator('main').evaluate((m) => m.scrollTo(0, 0));
  await expectFirstScreen('large text');
  await page.getByRole('switch', { name: '大字模式' }).click();
});

test('有无危急情况 on the first screen: 有 opens the folded checklist at its first sign; completion needs an answer that agrees', async () => {
  const form = page.locator('.followup-form');
  const firstSign = page.getByTestId('emergency-signs').locator('input[type=checkbox]').first();
  await expect(firstSign).toBeHidden();
  await page.getByTestId('has-emergency').getByText('有', { exact: true }).click();
  await expect(firstSign).toBeVisible();
  await expect(firstSign).toBeFocused();
  // 有 without a ticked sign refuses completion and says which list to tick.
  await page.getByRole('button', { name: '完成随访' }).click();
  await expect(form.getByText('请在下方“危急情况核查”中勾选是哪一项')).toBeVisible();
  // Ticking a sign agrees; 无 beside a ticked sign does not.
  await firstSign.check();
  await expect(form.getByText('请在下方“危急情况核查”中勾选是哪一项')).toBeHidden();
  await page.getByTestId('has-emergency').getByText('无', { exact: true }).click();
  await expect(form.getByText('已勾选危急情况，请选“有”')).toBeVisible();
  await firstSign.uncheck();
  await expect(form.getByText('已勾选危急情况，请选“有”')).toBeHidden();
});

test('a refused completion opens the folded section of the red field and brings it into view', async () => {
  await page.getByTestId('sbp').fill('150');
  await page.getByTestId('dbp').fill('92');
  await page.getByTestId('symptoms-htn').getByText('无症状').click();
  await page.getByTestId('adherence').getByText('规律').click();
  await page.getByTestId('adverse-reaction').getByText('无', { exact: true }).click();
  const kind = page.locator('.followup-form').getByLabel('日吸烟量 本次');
  await expect(kind).toBeHidden();
  // A letter in a folded field: completion is refused there, and the section opens on it.
  await page.evaluate(() => {
    const input = document.querySelector<HTMLInputElement>('input[aria-label="日吸烟量 本次"]');
    if (!input) throw new Error('no cigarettes field');
    const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
    set?.call(input, '5x');
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  // The previous test's refusal may still be on screen (antd's message stays 3 s): wait for it to go, so the one
  // seen below is this completion's.
  await expect(page.getByText('请先修改标红的项目')).toHaveCount(0);
  await page.getByRole('button', { name: '完成随访' }).click();
  await expect(page.getByText('请先修改标红的项目')).toBeVisible();
  await expect(kind).toBeVisible();
  await expect(kind).toBeInViewport();
  await expect(kind).toBeFocused();
  await expect(page.getByTestId('followup-done')).toHaveCount(0);
});

test('after a draft is saved with Ctrl+S the focus stays in the field being typed', async () => {
  const kind = page.locator('.followup-form').getByLabel('日吸烟量 本次');
  await kind.fill('5');
  const dbp = page.getByTestId('dbp');
  await dbp.focus();
  await page.keyboard.press('Control+s');
  await expect(page.getByText('草稿已保存')).toBeVisible();
  await expect(dbp).toBeFocused();
  await expect(dbp).toHaveValue('92');
});

test('a completed visit prints as the 高血压患者随访服务记录表: PDF in Noto Sans SC, its text extracts whole', async () => {
  const first = patients.find((p) => p.name === keyboardPatient);
  if (!first) throw new Error(`no patient named ${keyboardPatient}`);
  await page.goto(`${host.origin}/#/followups?residentId=${first.id}`);
  await expect(page.getByTestId('resident-line')).toContainText(first.name);
  await page.getByRole('tab', { name: /随访记录（\d+）/ }).click();
  await keepPrintedSheet(page);
  await page.getByRole('tabpanel').getByRole('button', { name: '打印' }).first().click();
  await expect(page.locator('#kept-sheet')).toContainText('高血压患者随访服务记录表');
  await page.emulateMedia({ media: 'print' });
  const pdf = join(SHOTS, 'followup-print.pdf');
  await page.pdf({ path: pdf, format: 'A4' });
  await page.emulateMedia({ media: 'screen' });
  await page.evaluate(() => document.getElementById('kept-sheet')?.remove());

  expect(foreignPdfFonts(pdf)).toEqual([]);
  const text = spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).stdout;
  for (const expected of ['高血压患者随访服务记录表', first.name, '随访日期', '132/82', '138/84', '1 无症状', '1 规律', '1 控制满意', '硝苯地平缓释片', '每次 10毫克', '下次随访日期', '随访医生签名', '居民（家属）签名', '李医生']) {
    expect(text, expected).toContain(expected);
  }
  // A picture to look at: the first page as PNG.
  spawnSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', pdf, join(SHOTS, 'followup-print')]);
});

test('no page errors', () => {
  expect(pageErrors).toEqual([]);
});
