import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** AES-256-GCM with a 12-byte iv and a 16-byte tag: the keyring's only cipher. */
const ALGORITHM = 'aes-256-gcm';
export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** HKDF-SHA-256 turns the configured string into the 32-byte key-encryption key. */
const KEK_SALT = 'brain-tasks/keyring';
const KEK_INFO = 'key-encryption-key/v1';

/** Sealed data is bound to what it is: a data key to its id, a value to its context (name). */
export const keyAad = (id: string) => Buffer.from(`brain/keyring/data-key/${id}`, 'utf8');
export const valueAad = (context: string) => Buffer.from(`brain/keyring/value/${context}`, 'utf8');

/** The key-encryption key of a master key (BRAIN_MASTER_KEY). */
export function deriveKek(masterKey: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, KEK_SALT, KEK_INFO, KEY_BYTES));
}

/** Base64 of iv | tag | data. */
export function encrypt(key: Buffer, plaintext: string | Buffer, aad: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const data = Buffer.concat([
    typeof plaintext === 'string' ? cipher.update(plaintext, 'utf8') : cipher.update(plaintext),
    cipher.final(),
  ]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
}

/** The plaintext, or undefined when the key, the data or the associated data do not match. */
export function decrypt(key: Buffer, sealed: string, aad: Buffer): Buffer | undefined {
  const bytes = Buffer.from(sealed, 'base64');
  if (bytes.length < IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv(ALGORITHM, key, bytes.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(aad);
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}
