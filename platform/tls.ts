/**
 * The platform's TLS identity: the operator's certificate (`--cert`/`--key`), or a self-signed one made on first
 * start and kept in the data directory. Devices pin its SHA-256 fingerprint at enrolment (README, sync), so a
 * self-signed certificate is as safe as a CA-signed one for them.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsIdentity {
  key: string;
  cert: string;
  /** `AB:CD:…`, the form Node's `getPeerCertificate().fingerprint256` gives, which the client compares. */
  fingerprint256: string;
  generated: boolean;
}

export function fingerprintOf(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

export async function loadOrCreateTls(opts: { dataDir: string; certFile?: string | undefined; keyFile?: string | undefined; hostnames?: string[] }): Promise<TlsIdentity> {
  if (opts.certFile && opts.keyFile) {
    const cert = await readFile(opts.certFile, 'utf8');
    return { cert, key: await readFile(opts.keyFile, 'utf8'), fingerprint256: fingerprintOf(cert), generated: false };
  }
  const dir = join(opts.dataDir, 'tls');
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = await readFile(certPath, 'utf8');
    return { cert, key: await readFile(keyPath, 'utf8'), fingerprint256: fingerprintOf(cert), generated: false };
  }
  const hosts = opts.hostnames ?? ['localhost'];
  const pems = await generate([{ name: 'commonName', value: 'Cunyi county platform' }], {
    keyType: 'ec',
    curve: 'P-256',
    notAfterDate: new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'subjectAltName', altNames: [...hosts.map((h) => ({ type: 2 as const, value: h })), { type: 7 as const, ip: '127.0.0.1' }] },
    ],
  });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(keyPath, pems.private, { mode: 0o600 });
  await writeFile(certPath, pems.cert);
  return { cert: pems.cert, key: pems.private, fingerprint256: fingerprintOf(pems.cert), generated: true };
}
