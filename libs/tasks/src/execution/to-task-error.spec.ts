import { RemoteError, serializeError } from '../pool/serialize-error';
import { toTaskError } from './to-task-error';

describe('toTaskError', () => {
  class QuotaExceeded extends Error {}

  it('names an error by its class when its name says nothing more than Error', () => {
    expect(toTaskError(new QuotaExceeded('over')).type).toBe('QuotaExceeded');
    expect(toTaskError(new TypeError('bad')).type).toBe('TypeError');
  });

  it('names an error rebuilt from a pool thread by its original class, not RemoteError', () => {
    expect(toTaskError(new RemoteError(serializeError(new Error('fails')))).type).toBe('Error');
    expect(toTaskError(new RemoteError(serializeError(new QuotaExceeded('over')))).type).toBe(
      'QuotaExceeded',
    );
  });

  it('records a thrown non-error as its text', () => {
    expect(toTaskError('plain')).toEqual({ type: 'Error', message: 'plain', traceback: null });
  });
});
