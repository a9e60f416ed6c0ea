/** Saves an exported file the API returned as base64 through the browser's download (Electron asks where). */
export function saveExport(file: { fileName: string; mimeType: string; base64: string }): void {
  const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: file.mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The period key of a date in the clinic's zone: '2026-03-20' → this month. */
export function stampText(at: number): string {
  return new Date(at + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 16);
}
