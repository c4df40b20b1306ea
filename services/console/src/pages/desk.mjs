// The agent desk: state at routing, the offer pushed over /ws/desk with why it came, call controls, and the wrap-up.
const $ = (selector) => document.querySelector(selector);
const desk = { me: undefined, siteId: undefined, state: 'logged-out', reason: null, call: undefined, wrapUpPending: false, handover: undefined, customerId: '' };

function log(text) {
  const item = document.createElement('li');
  const time = document.createElement('time');
  time.textContent = new Date().toLocaleTimeString();
  item.append(time, text);
  $('#log').prepend(item);
}

function showError(text) {
  $('#error').textContent = text ?? '';
}

async function api(method, path, body) {
  const response = await fetch(path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }).catch(() => undefined);
  if (response === undefined) throw new Error('The console does not answer; check your connection.');
  if (response.status === 401) {
    location.assign(`/sign-in?next=${encodeURIComponent('/desk')}`);
    throw new Error('Your session has ended; sign in again.');
  }
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.detail ?? `${response.status} ${response.statusText}`);
  return answer;
}

/** Runs a desk action, showing what went wrong in words rather than failing silently. */
async function act(what, work) {
  showError('');
  try {
    await work();
  } catch (error) {
    showError(`${what}: ${error.message}`);
    log(`${what} refused: ${error.message}`);
  }
}

const sitePath = () => `/desk/api/sites/${encodeURIComponent(desk.siteId)}`;
const callPath = () => `${sitePath()}/calls/${encodeURIComponent(desk.call.callId)}`;

function render() {
  const state = desk.state;
  $('#agent-state').textContent = state;
  $('#agent-state').className = `badge ${state}`;
  $('#agent-reason').textContent = desk.reason ?? '';
  const call = desk.call;
  const callLive = call !== undefined && !['ended', 'transferred'].includes(call.state);
  $('#log-in').disabled = state !== 'logged-out';
  $('#ready').disabled = !['logged-in', 'not-ready'].includes(state) || desk.wrapUpPending;
  $('#not-ready').disabled = !['logged-in', 'ready'].includes(state);
  $('#log-out').disabled = state === 'logged-out' || callLive;

  $('#no-call').hidden = call !== undefined;
  $('#no-call').textContent = state === 'ready' ? 'Waiting for the next call.' : 'No call. Go ready to take the next one.';
  $('#offer').hidden = call === undefined;
  if (call !== undefined) {
    $('#offer').classList.toggle('live', call.state === 'offered');
    $('#call-state').textContent = call.state;
    $('#call-state').className = `badge ${call.state}`;
    $('#call-detail').textContent = call.detail ?? '';
    $('#calling-number').textContent = call.callingNumber || 'number withheld';
    $('#call-meta').textContent = `Call ${call.callId}${call.queueId ? ` · queue ${call.queueId}` : ''}${call.callback ? ' · callback: dial the caller back' : ''}`;
    $('#why').hidden = call.why === undefined;
    $('#why-text').textContent = call.why ?? '';
    // A call that is over keeps its number and why on screen for the wrap-up, without controls.
    $('#controls').hidden = !callLive;
    $('#transfer-box').hidden = !callLive;
    $('#answer').disabled = call.state !== 'offered';
    $('#hold').disabled = call.state !== 'connected';
    $('#resume').disabled = call.state !== 'on-hold';
    $('#hangup').disabled = !['connected', 'on-hold'].includes(call.state);
    $('#transfer').disabled = !['connected', 'on-hold'].includes(call.state);
    $('#call-notes-box').hidden = !callLive;
    const h = desk.handover;
    $('#handover').hidden = h === undefined;
    if (h !== undefined) {
      $('#handover-from').textContent = `Handed over by ${h.fromName || h.fromAgentId} (${h.fromAgentId}) to ${h.target}${h.hop > 1 ? ` · transfer ${h.hop}` : ''}`;
      $('#handover-notes').textContent = h.notes || 'No notes.';
    }
  }
  if (desk.wrapUpPending && $('#wrap-up').hidden && $('#notes').value === '') $('#notes').value = $('#call-notes').value;
  $('#wrap-up').hidden = !desk.wrapUpPending;
  screenPop(call);
}

/** Hands the caller's number to the customer card (the customers work listens for the event). */
function screenPop(call) {
  const card = $('#customer-card');
  const number = call?.callingNumber ?? '';
  if (card.dataset.callingNumber === number) return;
  card.dataset.callingNumber = number;
  // The card of the call before is gone; the next one fills in when the customers service answers.
  const heading = document.createElement('b');
  heading.id = 'customer-number';
  heading.textContent = number === '' ? 'No caller yet.' : `Caller ${number}: finding their record…`;
  const line = document.createElement('p');
  line.append(heading);
  card.classList.add('placeholder');
  card.replaceChildren(line);
  document.dispatchEvent(new CustomEvent('switchboard:screen-pop', { detail: { callingNumber: number, callId: call?.callId } }));
}

function takeOffer(offer) {
  const same = desk.call?.callId === offer.callId;
  desk.call = { callId: offer.callId, queueId: offer.queueId, callback: offer.callback, callingNumber: offer.callingNumber, state: 'offered', detail: 'ringing at your desk', why: offer.decision?.summary };
  desk.wrapUpPending = false;
  if (!same) {
    desk.handover = undefined;
    desk.customerId = '';
    $('#call-notes').value = '';
    act('Reading what was handed over', () => loadHandover(offer.callId));
  }
}

/** A transferred call comes with what the agent before had on screen: their notes and their open form, restored here. */
async function loadHandover(callId) {
  const answer = await api('GET', `${sitePath()}/calls/${encodeURIComponent(callId)}/handover`);
  const latest = answer.handovers.at(-1);
  if (latest === undefined || desk.call?.callId !== callId) return;
  desk.handover = latest;
  if ($('#call-notes').value === '') $('#call-notes').value = latest.notes;
  restoreForm();
  log(`Handed over by ${latest.fromName || latest.fromAgentId} with ${latest.notes ? 'notes' : 'no notes'}`);
  render();
}

/** The open form's fields (elements marked data-handover), by name, as a handover carries them. */
function openForm() {
  const form = {};
  for (const field of document.querySelectorAll('[data-handover]')) if (field.value !== '') form[field.dataset.handover] = field.value;
  return form;
}

/** Puts the handed-over form back: each field that is still empty gets the value the agent before had typed. */
function restoreForm() {
  const form = desk.handover?.form ?? {};
  for (const field of document.querySelectorAll('[data-handover]')) {
    const value = form[field.dataset.handover];
    if (value !== undefined && field.value === '') field.value = value;
  }
}

async function loadDesk() {
  const view = await api('GET', sitePath());
  desk.state = view.state;
  desk.reason = view.reason;
  if (view.offer !== null) takeOffer(view.offer);
  if (view.call !== null && view.call.callId === view.callId) {
    desk.call = { ...(desk.call ?? { callId: view.call.callId }), state: view.call.state || 'offered', detail: view.call.detail, callingNumber: view.call.callingNumber || desk.call?.callingNumber };
  }
  desk.wrapUpPending = view.state === 'wrap-up';
  render();
}

function onNews(news) {
  switch (news.type) {
    case 'offer':
      if (news.offer.siteId !== desk.siteId) return;
      takeOffer(news.offer);
      log(`Call offered from ${news.offer.callingNumber || 'a withheld number'} (queue ${news.offer.queueId})`);
      break;
    case 'caller':
      if (desk.call?.callId === news.callId) desk.call.callingNumber = news.callingNumber;
      break;
    case 'call-state':
      if (desk.call?.callId !== news.callId) return;
      desk.call.state = news.state;
      desk.call.detail = news.detail;
      if (news.state === 'ended' || news.state === 'transferred') desk.wrapUpPending = true;
      log(`Call ${news.state}: ${news.detail}`);
      break;
    case 'agent-state':
      if (news.siteId !== desk.siteId) return;
      desk.state = news.state;
      desk.reason = news.reason;
      if (news.state === 'wrap-up') desk.wrapUpPending = true;
      // The offer rang out or the caller hung up before the answer: it is gone from this desk.
      if (desk.call?.state === 'offered' && ['ready', 'not-ready', 'logged-out'].includes(news.state)) {
        log('The offer was withdrawn');
        desk.call = undefined;
      }
      log(`You are ${news.state}${news.reason ? ` (${news.reason})` : ''}`);
      break;
    default:
      return;
  }
  render();
}

function connect() {
  const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/desk`);
  socket.addEventListener('open', () => {
    $('#link').textContent = 'live';
    $('#link').className = 'badge ready';
    // Read the desk once the socket listens, so nothing between the two is missed.
    act('Loading your desk', loadDesk);
  });
  socket.addEventListener('message', (event) => onNews(JSON.parse(event.data)));
  socket.addEventListener('close', (event) => {
    $('#link').textContent = 'offline';
    $('#link').className = 'badge not-ready';
    if (event.code === 4001) location.assign('/sign-in?next=%2Fdesk');
    else setTimeout(connect, 2000);
  });
}

async function start() {
  desk.me = await api('GET', '/desk/api/me');
  $('#who').textContent = `${desk.me.name} · agent ${desk.me.agentId}`;
  for (const site of desk.me.sites) $('#site').append(new Option(site, site));
  const remembered = localStorage.getItem('desk.site');
  desk.siteId = desk.me.sites.includes(remembered) ? remembered : desk.me.sites[0];
  $('#site').value = desk.siteId;
  for (const r of desk.me.notReadyReasons) $('#reason').append(new Option(r.label, r.code));
  for (const d of desk.me.dispositions) $('#disposition').append(new Option(d.label, d.code));
  render();
  connect();
}

$('#site').addEventListener('change', () => {
  desk.siteId = $('#site').value;
  localStorage.setItem('desk.site', desk.siteId);
  desk.call = undefined;
  act('Loading your desk', loadDesk);
});
const setState = (state, reason) => act(`Going ${state}`, async () => {
  await api('POST', `${sitePath()}/state`, reason === undefined ? { state } : { state, reason });
  await loadDesk();
});
$('#log-in').addEventListener('click', () => setState('logged-in'));
$('#ready').addEventListener('click', () => setState('ready'));
$('#not-ready').addEventListener('click', () => setState('not-ready', $('#reason').value));
$('#log-out').addEventListener('click', () => setState('logged-out'));
$('#answer').addEventListener('click', () => act('Answering', async () => {
  await api('POST', `${callPath()}/answer`);
  log('Answering…');
}));
for (const action of ['hold', 'resume', 'hangup']) {
  $(`#${action}`).addEventListener('click', () => act(`${action} the call`, () => api('POST', `${callPath()}/${action}`)));
}
$('#transfer').addEventListener('click', () => act('Transferring', async () => {
  const target = $('#transfer-target').value.trim();
  if (!/^(queue|agent):[A-Za-z0-9][A-Za-z0-9_.:-]*$/.test(target)) throw new Error('write the target as queue:<id> or agent:<id>');
  await api('POST', `${callPath()}/transfer`, { target, notes: $('#call-notes').value, form: openForm(), ...(desk.customerId ? { customerId: desk.customerId } : {}) });
  log(`Transferring to ${target} with your notes`);
}));
$('#wrap-up').addEventListener('submit', (event) => {
  event.preventDefault();
  act('Wrapping up', async () => {
    const outcome = await api('POST', `${callPath()}/wrap-up`, { disposition: $('#disposition').value, notes: $('#notes').value });
    log(`Wrap-up recorded: ${outcome.disposition}`);
    desk.call = undefined;
    desk.wrapUpPending = false;
    desk.handover = undefined;
    $('#notes').value = '';
    $('#call-notes').value = '';
    desk.state = outcome.agentState;
    render();
  });
});
$('#sign-out').addEventListener('click', async () => {
  await fetch('/sign-out', { method: 'POST' });
  location.assign('/sign-in');
});

act('Opening your desk', start);

// The screen pop: the caller's card from the customers service as soon as the number is known; a
// stranger gets a form to capture their name during the call.
const cardText = (tag, text, attrs = {}) => {
  const node = document.createElement(tag);
  node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
};

/** The caller's card; naming the call on this desk lets the console show a caller from another site's region too. */
const fetchCard = (number) => api('GET', `/desk/api/customer-card?number=${encodeURIComponent(number)}${desk.call?.callId ? `&callId=${encodeURIComponent(desk.call.callId)}` : ''}`);

function showCard(number, answer) {
  const card = $('#customer-card');
  if (card.dataset.callingNumber !== number) return; // the call moved on meanwhile
  card.classList.remove('placeholder');
  if (!answer.found) {
    const form = document.createElement('form');
    form.id = 'capture';
    form.append(cardText('p', `New caller ${number}: nobody has this number yet.`, { 'data-card': 'new-caller' }));
    const name = document.createElement('input');
    name.name = 'name';
    name.placeholder = "caller's name";
    name.required = true;
    name.dataset.handover = 'capture-name';
    form.append(name, cardText('button', 'Save caller', { type: 'submit' }));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      act('Saving the caller', async () => {
        await api('POST', '/desk/api/customers', { name: name.value, callingNumber: number, siteId: desk.siteId, ...(desk.call?.callId ? { callId: desk.call.callId } : {}) });
        log(`Saved ${name.value} as the owner of ${number}`);
        showCard(number, await fetchCard(number));
      });
    });
    card.replaceChildren(form);
    restoreForm();
    return;
  }
  const c = answer.card;
  desk.customerId = c.customerId ?? '';
  const parts = [
    cardText('p', c.name, { 'data-card': 'name', class: 'customer-name' }),
    cardText('p', `${c.tier} · ${c.kind}${c.region ? ` · ${c.region}` : ''}`, { 'data-card': 'tier' }),
    cardText('p', `Numbers: ${c.phoneNumbers.join(', ')}`, { 'data-card': 'numbers' }),
  ];
  const complaints = c.openComplaints ?? [];
  parts.push(cardText('p', complaints.length === 0 ? 'No open complaint.' : `Open complaints: ${complaints.map((t) => `${t.category} (${t.status}${t.overdue ? ', overdue' : ''})`).join('; ')}`, { 'data-card': 'complaints' }));
  const calls = c.recentCalls ?? [];
  parts.push(cardText('p', calls.length === 0 ? 'No earlier call.' : `Last calls: ${calls.map((x) => `${new Date(x.arrivedAt).toLocaleString()} ${x.outcome ?? ''}`).join('; ')}`, { 'data-card': 'calls' }));
  card.replaceChildren(...parts);
}

document.addEventListener('switchboard:screen-pop', (event) => {
  const number = event.detail.callingNumber;
  if (!number) return;
  act('Finding the caller', async () => showCard(number, await fetchCard(number)));
});
