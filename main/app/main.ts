/**
 * The Electron shell: one window on app://cunyi/, the runtime (services, RxDB, SQLCipher) in a utility process
 * (runtime-process.ts), the zh-CN menu. The renderer reaches the services only through ipc.ts, which forwards;
 * navigation away, pop-ups, permissions, webviews and remote requests are refused here (Electron's security
 * checklist). One instance per data directory: Chromium's profile lives inside
 * it, so its single-instance lock keeps a second window out, and the runtime's data-directory lock keeps out the
 * CLI and the headless host (CLINIC_IN_USE).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  Menu,
  protocol,
  session,
  type MenuItemConstructorOptions,
  type WebContents,
} from 'electron';
import { AppError } from '../../shared/api/errors';
import { consoleLogger } from '../api/dispatch';
import { serialDeviceIo } from '../devices';
import type { RuntimeClient } from '../runtime/client';
import { dataDirFromArgs } from '../services/data-dir';
import { APP_ENTRY_URL, APP_SCHEME, isAppUrl, serveAppRequest } from './app-protocol';
import { registerIpc, type IpcBridge } from './ipc';
import { startRuntimeProcess } from './runtime-process';
import { SafeStorageKeystore } from './safe-storage-keystore';

const TITLE = '村医 Cunyi';
const MAX_RENDERER_RELOADS = 3;
const logger = consoleLogger;

// Privileges can only be granted before `ready`: standard + secure gives app:// a real origin, a secure context
// and relative URLs, as https would.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
]);
app.enableSandbox();

const dataDir = resolve(dataDirFromArgs(process.argv.slice(1)));
let dataDirError: string | null = null;
try {
  // Only this OS user may list or read the clinic's files (the database is encrypted; the sidecars are not secret, but private).
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  app.setPath('userData', join(dataDir, 'electron'));
} catch (e) {
  dataDirError = e instanceof Error ? e.message : String(e);
}

let mainWindow: BrowserWindow | null = null;
let runtime: RuntimeClient | null = null;
let bridge: IpcBridge | null = null;
let shutdown: 'running' | 'closing' | 'closed' = 'running';

function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // Links to the outside world are not opened, not even in the system browser: the app is offline by design.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

function hardenSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  // The CSP already forbids remote origins; this also stops anything a page might slip past it. Requests made by
  // main itself (no webContents) are left alone.
  ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (details, callback) =>
    callback({ cancel: details.webContentsId !== undefined }),
  );
}

async function lockSession(): Promise<void> {
  if (!runtime) return;
  const result = await runtime.dispatch('session.lock', {}, { transport: 'ipc', connectionId: 'menu' });
  if (!result.ok) logger.warn('lock from the menu failed', { code: result.error.code });
}

async function showAbout(): Promise<void> {
  const options = {
    type: 'info' as const,
    title: '关于村医',
    message: TITLE,
    detail: `版本 ${app.getVersion()}\n数据目录 ${dataDir}`,
    buttons: ['确定'],
  };
  if (mainWindow) await dialog.showMessageBox(mainWindow, options);
  else await dialog.showMessageBox(options);
}

function buildMenu(): Menu {
  const view: MenuItemConstructorOptions[] = [
    { label: '放大', role: 'zoomIn' },
    { label: '缩小', role: 'zoomOut' },
    { label: '实际大小', role: 'resetZoom' },
    { type: 'separator' },
    { label: '全屏', role: 'togglefullscreen' },
  ];
  if (!app.isPackaged) view.push({ type: 'separator' }, { label: '开发者工具', role: 'toggleDevTools' });
  return Menu.buildFromTemplate([
    {
      label: '文件',
      submenu: [
        { label: '锁定', accelerator: 'CmdOrCtrl+L', click: () => void lockSession() },
        { type: 'separator' },
        { label: '打印', accelerator: 'CmdOrCtrl+P', click: () => mainWindow?.webContents.print() },
        { type: 'separator' },
        { label: '退出', role: 'quit' },
      ],
    },
    {
      label: '编辑',
      submenu: [
        { label: '撤销', role: 'undo' },
        { label: '重做', role: 'redo' },
        { type: 'separator' },
        { label: '剪切', role: 'cut' },
        { label: '复制', role: 'copy' },
        { label: '粘贴', role: 'paste' },
        { label: '全选', role: 'selectAll' },
      ],
    },
    { label: '视图', submenu: view },
    { label: '帮助', submenu: [{ label: '关于村医', click: () => void showAbout() }] },
  ]);
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    title: TITLE,
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: join(app.getAppPath(), 'dist', 'main', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      devTools: !app.isPackaged,
    },
  });
  // The window keeps the product name whatever the page's <title> says.
  win.on('page-title-updated', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  let reloads = 0;
  win.webContents.on('render-process-gone', (_event, details) => {
    logger.error('renderer process gone', { reason: details.reason, exitCode: details.exitCode });
    // A page that crashes on load would otherwise reload forever; after a few tries the window stays as it is.
    if (details.reason === 'clean-exit' || win.isDestroyed() || reloads >= MAX_RENDERER_RELOADS) return;
    reloads++;
    win.webContents.reload();
  });
  bridge?.attach(win.webContents);
  win.loadURL(APP_ENTRY_URL).catch((e: unknown) => {
    logger.error('loading the renderer failed', { error: e instanceof Error ? e.message : String(e) });
  });
  return win;
}

function focusWindow(): void {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

async function closeRuntime(): Promise<void> {
  bridge?.dispose();
  bridge = null;
  const current = runtime;
  runtime = null;
  if (!current) return;
  try {
    await current.close();
  } catch (e) {
    logger.error('closing the services failed', { error: e instanceof Error ? e.message : String(e) });
  }
}

async function start(): Promise<void> {
  await app.whenReady();
  if (dataDirError !== null) throw new Error(dataDirError);
  if (process.platform === 'win32') app.setAppUserModelId('cn.cunyi.app');
  hardenSession();
  const rendererDir = join(app.getAppPath(), 'dist', 'renderer');
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(rendererDir, request));
  const keystore = new SafeStorageKeystore();
  runtime = await startRuntimeProcess(
    join(app.getAppPath(), 'dist', 'main', 'runtime.cjs'),
    { dataDir, shell: 'electron', keystore: { available: keystore.isAvailable() } },
    {
      keystore,
      // The same path as the headless host: ports open here, the runtime gets their bytes (runtime/device-link.ts).
      deviceIo: serialDeviceIo,
      logger,
      onCrash: (code) => {
        dialog.showErrorBox('村医遇到问题，需要重新启动', `数据服务意外停止（${code ?? '—'}）。数据已保存在：${dataDir}`);
        app.exit(1);
      },
    },
  );
  bridge = registerIpc({ dispatch: runtime.dispatch, bus: runtime, logger });
  Menu.setApplicationMenu(buildMenu());
  mainWindow = createWindow();
}

if (!app.requestSingleInstanceLock()) {
  // Another instance owns this data directory; it has been told to come forward (second-instance below).
  app.quit();
} else {
  app.on('second-instance', focusWindow);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (shutdown === 'closed') return;
    // The database must be closed (WAL checkpointed, key wiped) before the process goes.
    event.preventDefault();
    if (shutdown === 'closing') return;
    shutdown = 'closing';
    void closeRuntime().finally(() => {
      shutdown = 'closed';
      app.quit();
    });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.quit());
  start().catch((e: unknown) => {
    if (e instanceof AppError && e.code === 'CLINIC_IN_USE') {
      // A CLI command or the headless host has this clinic open (the single-instance lock covers other windows).
      dialog.showErrorBox('村医无法启动', `这个诊所已在另一个窗口中打开：请先关闭它。\n\n数据目录：${dataDir}`);
      app.exit(5);
      return;
    }
    const message = e instanceof Error ? e.message : String(e);
    logger.error('start failed', { error: message });
    dialog.showErrorBox('村医无法启动', `${message}\n\n数据目录：${dataDir}`);
    app.exit(1);
  });
}
