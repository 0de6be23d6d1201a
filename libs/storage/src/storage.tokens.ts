/** Injection token of the open {@link Storage} (see StorageModule). */
export const STORAGE = Symbol('STORAGE');

/** Injection token of the {@link KeyringOptions} (see StorageModule). */
export const KEYRING_OPTIONS = Symbol('KEYRING_OPTIONS');
