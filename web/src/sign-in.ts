import { ApiError, getJson, type Me, postJson } from './api.ts';
import { span } from './format.ts';

/** The sign-in form over the dimmed map. */
export interface SignIn {
  /** Shows the form, with an optional note (e.g. why the session ended). */
  show(note?: string): void;
  hide(): void;
}

const $ = <T extends HTMLElement>(root: ParentNode, testid: string): T => {
  const node = root.querySelector<T>(`[data-testid="${testid}"]`);
  if (!node) throw new Error(`missing ${testid}`);
  return node;
};

/** What the error line says for a failed login. */
export function loginErrorText(err: unknown): string {
  if (!(err instanceof ApiError)) return 'The server could not be reached. Try again.';
  const seconds = err.retryAfter ?? numberOr(err.details?.retryAfterSeconds);
  const wait = seconds !== undefined ? ` Try again in ${span(seconds * 1000)}.` : ' Try again later.';
  switch (err.code) {
    case 'AUTH_INVALID_CREDENTIALS':
      return 'Wrong user name or password.';
    case 'AUTH_LOCKED':
      return `This account is locked after too many failed sign-ins.${wait}`;
    case 'RATE_LIMITED':
      return `Too many sign-in attempts.${wait}`;
    case 'REQUEST_INVALID':
      return 'Enter a user name and a password.';
    default:
      return `Sign-in failed (${err.code ?? `HTTP ${err.status}`}).`;
  }
}

function numberOr(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Binds the form in `root`; `onSignedIn` runs with the user once the session cookie works. */
export function createSignIn(root: ParentNode, onSignedIn: (me: Me) => void): SignIn {
  const backdrop = root.querySelector<HTMLElement>('.login-backdrop');
  if (!backdrop) throw new Error('missing .login-backdrop');
  const form = $<HTMLFormElement>(root, 'login-form');
  const username = $<HTMLInputElement>(root, 'login-username');
  const password = $<HTMLInputElement>(root, 'login-password');
  const submit = $<HTMLButtonElement>(root, 'login-submit');
  const error = $<HTMLElement>(root, 'login-error');
  const note = form.querySelector<HTMLElement>('.login-note');

  const showError = (text: string | undefined): void => {
    error.textContent = text ?? '';
    error.hidden = text === undefined;
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (submit.disabled) return;
    submit.disabled = true;
    showError(undefined);
    void (async () => {
      try {
        await postJson('/api/v1/auth/login', { username: username.value.trim(), password: password.value }, false);
      } catch (err) {
        showError(loginErrorText(err));
        password.select();
        return;
      } finally {
        submit.disabled = false;
      }
      try {
        // Ask again with the cookie alone: a cookie the browser refused (Secure over plain http) shows up here.
        const me = await getJson<Me>('/api/v1/auth/me');
        password.value = '';
        onSignedIn(me);
      } catch {
        showError('Signed in, but the browser did not keep the session cookie (is the site served over https?).');
      }
    })();
  });

  return {
    show(text) {
      document.body.classList.add('signed-out');
      backdrop.hidden = false;
      if (note) {
        note.textContent = text ?? '';
        note.hidden = text === undefined;
      }
      showError(undefined);
      (username.value ? password : username).focus();
    },
    hide() {
      document.body.classList.remove('signed-out');
      backdrop.hidden = true;
      showError(undefined);
    },
  };
}
