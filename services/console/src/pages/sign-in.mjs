// The sign-in form: posts the login and password, then goes to the person's home page (the session is an HttpOnly cookie).
const form = document.querySelector('#sign-in');
const error = document.querySelector('#error');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.textContent = '';
  const login = form.login.value.trim();
  const password = form.password.value;
  if (login === '' || password === '') {
    error.textContent = 'Enter your login and your password.';
    return;
  }
  const response = await fetch('/sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }) }).catch(() => undefined);
  if (response === undefined) {
    error.textContent = 'The console does not answer; check your connection and try again.';
    return;
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    error.textContent = body.detail ?? `Sign-in failed (${response.status}).`;
    form.password.value = '';
    form.password.focus();
    return;
  }
  const next = new URLSearchParams(location.search).get('next');
  location.assign(next !== null && next.startsWith('/') && !next.startsWith('//') ? next : body.home);
});
