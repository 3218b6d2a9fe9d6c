import { createPrivateKey, randomBytes, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Certificate {
  /** PEM certificate and PEM (PKCS#8) private key, ready for tls.createServer. */
  cert: string;
  key: string;
  /** SHA-256 of the DER certificate: upper-case hex pairs joined by ':' (what clients pin). */
  fingerprint: string;
  /** True when the certificate was made by this call. */
  generated: boolean;
  /** When the certificate stops being valid. */
  notAfter: Date;
  /** When a self-signed certificate was made to replace another: the fingerprint clients pinned. */
  replaced?: string;
}

export interface CertificatePaths {
  /** A configured certificate; with keyPath, used as is instead of the self-signed one. */
  certPath?: string;
  keyPath?: string;
  /**
   * Replace the self-signed certificate when it has expired or expires within RENEW_DAYS.
   * Without it, an expired one is refused (CertificateError): clients pin its fingerprint, and a
   * new certificate would look to them like an attack, so it is never made silently.
   */
  renew?: boolean;
  /** The clock (tests make certificates of the past with it). */
  now?: number;
}

export const VALIDITY_DAYS = 365;
/** How long before it expires a certificate is reported (and, with `renew`, replaced). */
export const RENEW_DAYS = 30;
export const DAY_MS = 24 * 3600 * 1000;

export class CertificateError extends Error {}

/**
 * The server's TLS identity. A configured certificate/key pair is loaded as it is. Otherwise a
 * self-signed one for localhost lives in dataDir/tls and is reused on every start (clients pin its
 * fingerprint). It is made on the first start, or when a file of it is missing; an expired one
 * stops the start unless `renew` is set (docs/protocol.md §13.1).
 */
export async function ensureCertificate(dataDir: string, paths: CertificatePaths = {}): Promise<Certificate> {
  if (paths.certPath !== undefined || paths.keyPath !== undefined) {
    if (paths.certPath === undefined || paths.keyPath === undefined) {
      throw new CertificateError('a TLS certificate needs both a certificate file and a key file');
    }
    return loadPair(paths.certPath, paths.keyPath);
  }
  const now = paths.now ?? Date.now();
  const dir = join(dataDir, 'tls');
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  let replaced: string | undefined;
  if (existsSync(certPath) && existsSync(keyPath)) {
    const existing = await loadPair(certPath, keyPath);
    const left = existing.notAfter.getTime() - now;
    if (left > (paths.renew ? RENEW_DAYS * DAY_MS : 0)) return existing;
    if (!paths.renew) {
      throw new CertificateError(
        `the self-signed TLS certificate ${certPath} expired on ${existing.notAfter.toISOString()}. Clients pin its ` +
        `fingerprint ${existing.fingerprint}: a new certificate has a new one, which they must be given. ` +
        'Start once with --tls-renew (CONFAB_TLS_RENEW=true) to make it.',
      );
    }
    replaced = existing.fingerprint;
  } else if (existsSync(certPath)) {
    // The key is gone: the certificate cannot be used, and the one that replaces it is news to its clients.
    replaced = await readFile(certPath, 'utf8').then(fingerprintOf, () => undefined);
  }
  const made = await makeSelfSigned(now);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Key first, each through a temporary file: a crash never leaves a certificate without its key.
  await writeAtomically(keyPath, made.key, 0o600);
  await writeAtomically(certPath, made.cert, 0o600);
  return {
    ...made, fingerprint: fingerprintOf(made.cert), generated: true, notAfter: new Date(new X509Certificate(made.cert).validTo),
    ...(replaced === undefined ? {} : { replaced }),
  };
}

/** SHA-256 fingerprint of a PEM certificate, as 'AB:CD:...' (the form Node reports as fingerprint256). */
export function fingerprintOf(pem: string): string {
  return new X509Certificate(pem).fingerprint256.toUpperCase();
}

async function loadPair(certPath: string, keyPath: string): Promise<Certificate> {
  const cert = await readText(certPath, 'certificate');
  const key = await readText(keyPath, 'private key');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (err) {
    throw new CertificateError(`${certPath} is not a PEM certificate: ${(err as Error).message}`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw new CertificateError(`${keyPath} is not a PEM private key: ${(err as Error).message}`);
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new CertificateError(`the private key in ${keyPath} does not belong to the certificate in ${certPath}`);
  }
  return { cert, key, fingerprint: x509.fingerprint256.toUpperCase(), generated: false, notAfter: new Date(x509.validTo) };
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new CertificateError(`cannot read the TLS ${what} ${path}: ${(err as Error).message}`);
  }
}

async function writeAtomically(path: string, text: string, mode: number): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, text, { mode });
  await chmod(tmp, mode); // writeFile's mode is filtered by the umask
  await rename(tmp, path);
}

/** ECDSA P-256, CN=localhost, SAN DNS:localhost IP:127.0.0.1 IP:::1, valid VALIDITY_DAYS days. */
async function makeSelfSigned(now: number): Promise<{ cert: string; key: string }> {
  await import('./reflect-metadata.js');
  const x509 = await import('@peculiar/x509');
  const crypto = webcrypto as unknown as Crypto;
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  // Positive serial: clear the top bit of the first of 16 random bytes.
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: 'CN=localhost',
    notBefore: new Date(now - 60_000), // a little slack for clocks that are slightly behind
    notAfter: new Date(now + VALIDITY_DAYS * DAY_MS),
    signingAlgorithm: algorithm,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
    ],
  }, crypto);
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
  const key = x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
  return { cert: cert.toString('pem'), key };
}
