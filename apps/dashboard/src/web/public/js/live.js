// The server's event stream: snapshots every few seconds, task changes as they happen.
import { get } from './api.js';

/** Listeners of task updates ({tasks, overflow}); views come and go. */
const taskListeners = new Set();

export function onTaskUpdates(listener) {
  taskListeners.add(listener);
  return () => taskListeners.delete(listener);
}

/**
 * Opens the stream and keeps it open: EventSource reconnects by itself after a network error,
 * but not after an error answer (a session that has ended), so `onClosed` checks which it was.
 */
export function connect({ onSnapshot, onStatus, onSessionEnded }) {
  let source;
  let retry;
  let closed = false;

  const open = () => {
    source = new EventSource('api/events');
    source.addEventListener('open', () => onStatus('live'));
    source.addEventListener('snapshot', (e) => onSnapshot(JSON.parse(e.data)));
    source.addEventListener('tasks', (e) => {
      const update = JSON.parse(e.data);
      for (const listener of taskListeners) listener(update);
    });
    source.addEventListener('session', () => {
      closed = true;
      source.close();
      onSessionEnded();
    });
    source.addEventListener('error', () => {
      if (closed) return;
      onStatus('reconnecting');
      if (source.readyState === EventSource.CLOSED) {
        // Refused (e.g. 401): ask the server whether the session is still there.
        get('api/session')
          .then((session) => {
            if (session.authenticated) {
              retry = setTimeout(open, 2000);
            } else {
              closed = true;
              onSessionEnded();
            }
          })
          .catch(() => (retry = setTimeout(open, 2000)));
      }
    });
  };
  open();
  return () => {
    closed = true;
    clearTimeout(retry);
    source.close();
  };
}
