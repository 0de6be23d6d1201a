import { csrfFailure, CSRF_HEADER } from './csrf';

const HOST = 'dash.example:5555';
const TOKEN = 'the-session-token';

const request = (method: string, headers: Record<string, string> = {}) => ({
  method,
  headers: { host: HOST, ...headers },
});

describe('csrfFailure', () => {
  it('lets reads through, whatever their origin', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS'])
      expect(
        csrfFailure(request(method, { origin: 'https://evil.example' }), TOKEN),
      ).toBeUndefined();
  });

  it('accepts a state-changing request from this origin with the session token', () => {
    const req = request('POST', { origin: `http://${HOST}`, [CSRF_HEADER]: TOKEN });
    expect(csrfFailure(req, TOKEN)).toBeUndefined();
  });

  it('falls back to the Referer when a browser sends no Origin', () => {
    const req = request('DELETE', { referer: `http://${HOST}/#/tasks`, [CSRF_HEADER]: TOKEN });
    expect(csrfFailure(req, TOKEN)).toBeUndefined();
  });

  it('refuses a request from another origin, even with the token', () => {
    const req = request('POST', { origin: 'http://evil.example', [CSRF_HEADER]: TOKEN });
    expect(csrfFailure(req, TOKEN)).toMatch(/foreign Origin/);
    const port = request('POST', { origin: 'http://dash.example:8080', [CSRF_HEADER]: TOKEN });
    expect(csrfFailure(port, TOKEN)).toMatch(/foreign Origin/);
  });

  it('refuses a request that says nothing of where it comes from', () => {
    expect(csrfFailure(request('POST', { [CSRF_HEADER]: TOKEN }), TOKEN)).toMatch(/no Origin/);
    expect(csrfFailure(request('POST', { origin: 'null' }), TOKEN)).toMatch(/no Origin/);
  });

  it('refuses a missing or wrong token once there is a session', () => {
    const origin = `http://${HOST}`;
    expect(csrfFailure(request('POST', { origin }), TOKEN)).toMatch(/CSRF token/);
    const wrong = request('POST', { origin, [CSRF_HEADER]: 'the-session-tokeN' });
    expect(csrfFailure(wrong, TOKEN)).toMatch(/CSRF token/);
    const short = request('POST', { origin, [CSRF_HEADER]: 'x' });
    expect(csrfFailure(short, TOKEN)).toMatch(/CSRF token/);
  });

  it('checks only the origin before a session exists (the login)', () => {
    expect(csrfFailure(request('POST', { origin: `http://${HOST}` }))).toBeUndefined();
    expect(csrfFailure(request('POST', { origin: 'http://evil.example' }))).toMatch(/foreign/);
  });
});
