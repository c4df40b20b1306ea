// The agent desk: state at routing, the offer pushed over /ws/desk with why it came, call controls, and the wrap-up.
const $ = (selector) => document.querySelector(selector);
const desk = { me: undefined, siteId: undefined, state: 'logged-out', reason: null, call: undefined, wrapUpPending: false, handover: undefined, customerId: '', categories: [], departments: [], ticket: undefined };
/** Callers' cards the console pushed right behind their offers, by call id (the last few). */
const pushedCards = new Map();

function log(text) {
  const item = document.createElement('li');
  const time = document.createElement('time');
  time.textContent = new Date().toLocaleTimeString();
  item.append(time, text);
  $('#log').prepend(item);
}

function showError(text, where = '#error') {
  $(where).textContent = text ?? '';
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

/** Runs a desk action, showing what went wrong in words (in `where`: the page's error line, or a panel's) rather than failing silently. */
async function act(what, work, where = '#error') {
  showError('', where);
  try {
    await work();
  } catch (error) {
    showError(`${what}: ${error.message}`, where);
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
    if (value !== undefined && field.value === '') {
      field.value = value;
      // A form the agent before had opened (the complaint form) opens here too.
      const closed = field.closest('[hidden]');
      if (closed?.hasAttribute('data-opens-on-handover')) closed.hidden = false;
    }
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
    case 'card':
      // The console resolved the caller's card as the offer went out: shown at once, nothing to ask.
      pushedCards.set(news.callId, news);
      for (const callId of [...pushedCards.keys()].slice(0, -20)) pushedCards.delete(callId);
      if (desk.call?.callId === news.callId && $('#customer-card').classList.contains('placeholder')) showCard(news.callingNumber, news);
      return;
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
  const complaintKinds = await api('GET', '/desk/api/complaint-categories');
  desk.categories = complaintKinds.categories;
  desk.departments = complaintKinds.departments;
  await loadTickets();
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
    desk.customerId = '';
    const form = document.createElement('form');
    form.id = 'capture';
    form.append(cardText('p', `New caller ${number}: nobody has this number yet.`, { 'data-card': 'new-caller' }));
    const name = document.createElement('input');
    name.name = 'name';
    name.placeholder = "caller's name";
    name.required = true;
    name.dataset.handover = 'capture-name';
    form.append(name, cardText('button', 'Save caller', { type: 'submit' }));
    form.append(cardText('p', 'Save the caller first to open a complaint for them.', { class: 'muted', 'data-card': 'save-first' }));
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
  card.replaceChildren(...cardParts(c), complaintForm(c, number));
  restoreForm();
}

/** A customer's card as the desk shows it: the caller's (with the complaint form after it) and a searched one (read only). */
function cardParts(c) {
  const parts = [
    cardText('p', c.name, { 'data-card': 'name', class: 'customer-name' }),
    cardText('p', `${c.tier} · ${c.kind}${c.region ? ` · ${c.region}` : ''}${c.siteId ? ` · site ${c.siteId}` : ' · national'}`, { 'data-card': 'tier' }),
    cardText('p', `Numbers: ${c.phoneNumbers.join(', ')}`, { 'data-card': 'numbers' }),
  ];
  const complaints = c.openComplaints ?? [];
  const box = document.createElement('div');
  box.dataset.card = 'complaints';
  if (complaints.length === 0) box.append(cardText('p', 'No open complaint.'));
  else {
    box.append(cardText('p', 'Open complaints:'));
    const list = document.createElement('ul');
    list.className = 'card-tickets';
    for (const t of complaints) {
      const item = document.createElement('li');
      const open = cardText('button', `${t.category} · ${t.status}${t.overdue ? ' · overdue' : ''}`, { type: 'button', class: `link${t.overdue ? ' late' : ''}`, 'data-ticket-id': t.ticketId });
      open.addEventListener('click', () => openTicket(t.ticketId));
      item.append(open);
      list.append(item);
    }
    box.append(list);
  }
  parts.push(box);
  const calls = c.recentCalls ?? [];
  parts.push(cardText('p', calls.length === 0 ? 'No earlier call.' : `Last calls: ${calls.map((x) => `${new Date(x.arrivedAt).toLocaleString()} ${x.outcome ?? ''}`).join('; ')}`, { 'data-card': 'calls', class: 'muted' }));
  return parts;
}

/** Opening a complaint from the caller's card, linked to the customer and to the call on the desk. */
function complaintForm(c, number) {
  const form = document.createElement('form');
  form.id = 'complaint-form';
  form.className = 'stack complaint-form';
  const toggle = cardText('button', 'Open a complaint', { type: 'button', id: 'open-complaint' });
  const fields = document.createElement('div');
  fields.className = 'stack';
  fields.hidden = true;
  const category = document.createElement('select');
  category.id = 'complaint-category';
  category.required = true;
  category.dataset.handover = 'complaint-category';
  category.append(new Option('choose a category…', ''));
  for (const k of desk.categories) category.append(new Option(`${k.category} (${k.department}, ${Math.round(k.slaSeconds / 3600)} h)`, k.category));
  const description = document.createElement('textarea');
  description.id = 'complaint-description';
  description.maxLength = 4000;
  description.required = true;
  description.placeholder = 'What went wrong, the waybill, what the customer wants';
  description.dataset.handover = 'complaint-description';
  fields.append(cardText('label', 'Category', { for: 'complaint-category' }), category, cardText('label', 'Description', { for: 'complaint-description' }), description, cardText('button', 'Open complaint', { type: 'submit', class: 'primary', id: 'submit-complaint' }));
  toggle.addEventListener('click', () => {
    fields.hidden = !fields.hidden;
    toggle.textContent = fields.hidden ? 'Open a complaint' : 'Cancel the complaint';
  });
  form.append(toggle, fields);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    act('Opening the complaint', async () => {
      const ticket = await api('POST', '/desk/api/complaints', { customerId: c.customerId, category: category.value, description: description.value, ...(desk.call?.callId ? { callId: desk.call.callId } : {}) });
      log(`Complaint opened for ${c.name}: ${ticket.category}, ${ticket.department} answers by ${new Date(ticket.dueAt).toLocaleString()}`);
      showCard(number, await fetchCard(number));
      await loadTickets();
      showTicket({ ...ticket, customerName: c.name });
    });
  });
  fields.dataset.opensOnHandover = '';
  return form;
}

/** How long the desk waits for the card the console pushes behind an offer before asking for it itself. */
const PUSHED_CARD_WAIT_MS = 1500;

document.addEventListener('switchboard:screen-pop', (event) => {
  const { callingNumber: number, callId } = event.detail;
  if (!number) return;
  const pushed = pushedCards.get(callId);
  if (pushed?.callingNumber === number) return showCard(number, pushed);
  // Normally the card arrives on the socket right behind the offer; a caller picked up another way (or a card
  // the console could not resolve) is asked for.
  setTimeout(() => {
    const card = $('#customer-card');
    if (card.dataset.callingNumber !== number || !card.classList.contains('placeholder')) return;
    act('Finding the caller', async () => showCard(number, await fetchCard(number)));
  }, callId && desk.call?.state === 'offered' ? PUSHED_CARD_WAIT_MS : 0);
});

// Tickets: the complaints the agent may see (customers keeps the list to their sites' customers), soonest due first;
// a ticket with its history and what can be done to it. The customers service decides what is allowed: a close
// before the customer was told is refused there, and its message is shown on the ticket.
const when = (iso) => (iso ? new Date(iso).toLocaleString() : '');
const who = (id) => (id && id === desk.me?.personId ? 'you' : id || 'someone');
const marks = (t) => {
  const out = [];
  if (t.overdue) out.push(cardText('span', 'overdue', { class: 'badge late' }));
  if (t.escalationLevel > 0) out.push(cardText('span', `escalated · level ${t.escalationLevel}`, { class: 'badge escalated' }));
  return out;
};

async function loadTickets() {
  const filter = $('#ticket-filter').value;
  const query = filter === 'active' ? 'limit=200' : filter === 'overdue' ? 'overdue=true' : `status=${encodeURIComponent(filter)}`;
  const { tickets } = await api('GET', `/desk/api/complaints?${query}`);
  const shown = filter === 'active' ? tickets.filter((t) => t.status !== 'closed') : tickets;
  const items = shown.map((t) => {
    const item = document.createElement('li');
    const open = document.createElement('button');
    open.type = 'button';
    open.className = `ticket-row${t.overdue ? ' late' : ''}${t.ticketId === desk.ticket?.ticketId ? ' chosen' : ''}`;
    open.dataset.ticketId = t.ticketId;
    const top = document.createElement('span');
    top.className = 'row';
    top.append(cardText('b', t.customerName ?? `customer ${t.customerId.slice(0, 8)}`), cardText('span', t.category), cardText('span', t.status, { class: `badge ${t.status}` }), ...marks(t));
    open.append(top, cardText('span', `${t.department} · due ${when(t.dueAt)}`, { class: 'muted' }));
    open.addEventListener('click', () => openTicket(t.ticketId));
    item.append(open);
    return item;
  });
  $('#tickets').replaceChildren(...items);
  $('#tickets-empty').hidden = items.length > 0;
}

async function openTicket(ticketId) {
  await act('Opening the ticket', async () => showTicket(await api('GET', `/desk/api/complaints/${encodeURIComponent(ticketId)}`)), '#ticket-error');
}

function historyLine(h) {
  const d = h.data ?? {};
  switch (h.type) {
    case 'ComplaintOpened': return `Opened by ${who(d.openedBy)}: ${d.category} for ${d.department}${d.callId ? ` during call ${d.callId}` : ''}`;
    case 'ComplaintReassigned': return `Moved from ${d.fromDepartment} to ${d.toDepartment} by ${who(d.reassignedBy)}: ${d.reason}`;
    case 'ComplaintNoteAdded': return `Note by ${who(d.writtenBy)}: ${d.text}`;
    case 'ComplaintResolved': return `Result from ${who(d.resolvedBy)}: ${d.result}`;
    case 'ComplaintCallbackMade': {
      const told = String(d.outcome ?? '').endsWith('CUSTOMER_INFORMED');
      return `Call-back by ${who(d.calledBy)}: ${told ? 'the customer was told the result' : 'could not reach the customer'}${d.note ? ` — ${d.note}` : ''}`;
    }
    case 'ComplaintClosed': return `Closed by ${who(d.closedBy)}`;
    case 'ComplaintEscalated': return `Escalated to ${d.escalatedTo} (level ${d.level}): past its due time`;
    default: return h.type;
  }
}

function showTicket(t) {
  desk.ticket = t;
  $('#no-ticket').hidden = true;
  $('#ticket').hidden = false;
  $('#ticket').classList.toggle('late', t.overdue);
  $('#ticket-status').textContent = t.status;
  $('#ticket-status').className = `badge ${t.status}`;
  $('#ticket-marks').replaceChildren(...marks(t));
  $('#ticket-head').textContent = `${t.category} · ${t.customerName ?? `customer ${t.customerId}`}`;
  $('#ticket-meta').textContent = `${t.department} answers · opened ${when(t.openedAt)} · due ${when(t.dueAt)}${t.callId ? ` · call ${t.callId}` : ''}`;
  $('#ticket-description').textContent = t.description;
  const closed = t.status === 'closed';
  $('#ticket-note').hidden = closed;
  $('#ticket-reassign-box').hidden = closed;
  // The departments it can move to: any but the one that has it.
  const others = desk.departments.filter((d) => d !== t.department).map((d) => new Option(d, d));
  $('#reassign-department').replaceChildren(new Option('Choose a department', ''), ...others);
  $('#ticket-result').hidden = t.status !== 'open';
  $('#ticket-callback').hidden = t.status !== 'awaiting-callback';
  $('#close-ticket').parentElement.hidden = closed;
  // Closing is tried whenever the agent likes (the customers service says why not); it is the next step once the customer was told.
  $('#close-ticket').className = t.status === 'customer-informed' ? 'primary' : '';
  const lines = t.history.map((h) => {
    const item = document.createElement('li');
    item.append(cardText('time', when(h.at)), cardText('span', historyLine(h), { 'data-history': h.type }));
    return item;
  });
  $('#ticket-history').replaceChildren(...lines.reverse());
  for (const row of document.querySelectorAll('.ticket-row')) row.classList.toggle('chosen', row.dataset.ticketId === t.ticketId);
}

/** A change to the ticket on screen: the customers service answers with the ticket as it is now. */
function ticketAction(what, path, body, after) {
  const t = desk.ticket;
  return act(what, async () => {
    const changed = await api('POST', `/desk/api/complaints/${encodeURIComponent(t.ticketId)}/${path}`, body());
    log(`${what}: ${t.category} for ${t.customerName ?? t.customerId} is ${changed.status}`);
    after?.();
    showTicket({ ...changed, customerName: t.customerName });
    await loadTickets();
    // The caller's card lists their open complaints: read it again when one of them changed.
    const number = $('#customer-card').dataset.callingNumber;
    if (number && desk.customerId === changed.customerId) showCard(number, await fetchCard(number));
  }, '#ticket-error');
}
const submitted = (form, run) => $(form).addEventListener('submit', (event) => {
  event.preventDefault();
  run();
});
submitted('#ticket-note', () => ticketAction('Adding the note', 'notes', () => ({ text: $('#ticket-note-text').value }), () => ($('#ticket-note-text').value = '')));
submitted('#ticket-result', () => ticketAction('Recording the result', 'result', () => ({ result: $('#ticket-result-text').value }), () => ($('#ticket-result-text').value = '')));
submitted('#ticket-callback', () => ticketAction('Recording the call-back', 'callbacks', () => ({
  outcome: $('#callback-outcome').value,
  ...($('#callback-note').value ? { note: $('#callback-note').value } : {}),
  // Told during the customer's own call on this desk: that call is the call-back.
  ...(desk.call?.callId && desk.customerId === desk.ticket.customerId ? { callId: desk.call.callId } : {}),
}), () => ($('#callback-note').value = '')));
submitted('#ticket-reassign', () => ticketAction('Reassigning the ticket', 'reassign', () => ({ department: $('#reassign-department').value, reason: $('#reassign-reason').value }), () => {
  $('#reassign-reason').value = '';
  $('#ticket-reassign-box').open = false;
}));
$('#close-ticket').addEventListener('click', () => ticketAction('Closing the ticket', 'close', () => ({})));
$('#ticket-filter').addEventListener('change', () => act('Loading the tickets', loadTickets));
$('#tickets-refresh').addEventListener('click', () => act('Loading the tickets', loadTickets));

// The customer search: names or numbers starting with what is typed; a result opens that customer's card, read only.
submitted('#search', () => act('Searching', async () => {
  const { customers } = await api('GET', `/desk/api/customers?q=${encodeURIComponent($('#search-q').value.trim())}`);
  $('#found-card').hidden = true;
  const items = customers.map((c) => {
    const item = document.createElement('li');
    const open = cardText('button', `${c.name} · ${c.tier} · ${c.phoneNumbers.join(', ')}`, { type: 'button', class: 'link', 'data-customer-id': c.customerId });
    open.addEventListener('click', () => act('Opening the card', async () => {
      const answer = await api('GET', `/desk/api/customer-card?number=${encodeURIComponent(c.phoneNumbers[0])}`);
      if (!answer.found) throw new Error(`${c.name} no longer has ${c.phoneNumbers[0]}; search again`);
      $('#found-card').replaceChildren(cardText('p', 'Their card, read only:', { class: 'muted' }), ...cardParts(answer.card));
      $('#found-card').hidden = false;
    }));
    item.append(open);
    return item;
  });
  $('#search-results').replaceChildren(...(items.length > 0 ? items : [cardText('li', 'Nobody by that name or number.', { class: 'muted' })]));
}));
