// The landing page of supervisors, analysts and admins: who is signed in, and the way to the wallboard and reports.
const me = await fetch('/me').then((r) => (r.ok ? r.json() : undefined));
if (me === undefined) location.assign('/sign-in');
else {
  document.querySelector('#who').textContent = `${me.name} · ${me.role}`;
  document.querySelector('#summary').textContent = `You are signed in as ${me.name} (${me.role}) for ${me.sites.includes('*') ? 'every site' : me.sites.join(', ')}.`;
}
document.querySelector('#sign-out').addEventListener('click', async () => {
  await fetch('/sign-out', { method: 'POST' });
  location.assign('/sign-in');
});
