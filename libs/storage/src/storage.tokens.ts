/** Injection token of the open {@link Storage} (see StorageModule). */
export const STORAGE = Symbol('STORAGE');
