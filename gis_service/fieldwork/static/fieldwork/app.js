// Field registration on a phone: live GPS, the programme's form, photos, and an IndexedDB outbox
// that survives no network and reloads. Each submission carries its UUID, so a resend never duplicates.
"use strict";

const PROGRAMMES = JSON.parse(document.getElementById("programmes").textContent);
const API = "/api/field";
const RETRY_MS = 30000;

// The words in both languages, rendered by the server from its translation catalogue (fieldwork/page_text.py).
const TEXT = JSON.parse(document.getElementById("words").textContent);

let lang = localStorage.getItem("field.lang") || "th";
let fix = null;             // the latest GeolocationPosition
let track = null;           // [lon, lat] pairs while recording a road
let flushing = false;
let flushAgain = false;     // a flush was asked for while one was running
let retryTimer = null;

function t(key, params = {}) {
  let text = (TEXT[lang] && TEXT[lang][key]) || TEXT.en[key] || key;
  for (const [name, value] of Object.entries(params)) text = text.replace(`{${name}}`, value);
  return text;
}

// ---------- IndexedDB outbox ----------
function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open("field-outbox", 1);
    request.onupgradeneeded = () => request.result.createObjectStore("submissions", { keyPath: "uuid" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function store(mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction("submissions", mode);
    const result = work(tx.objectStore("submissions"));
    tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
    tx.onerror = () => reject(tx.error);
  });
}
const putEntry = (entry) => store("readwrite", (s) => s.put(entry));
const allEntries = () => store("readonly", (s) => s.getAll());

// ---------- language ----------
function applyLanguage() {
  document.documentElement.lang = lang;
  document.getElementById("lang").textContent = lang === "th" ? "EN" : "ไทย";
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  renderProgrammes();
  renderFix();
  renderOutbox();
  renderNetwork();
  showSignin();
}

// ---------- programme form ----------
function programme() {
  return PROGRAMMES.find((p) => p.slug === document.getElementById("programme").value) || PROGRAMMES[0];
}
function kind() {
  return document.querySelector("input[name=kind]:checked").value;
}

function renderProgrammes() {
  const select = document.getElementById("programme");
  const chosen = select.value;
  select.innerHTML = "";
  for (const p of PROGRAMMES) {
    select.add(new Option(lang === "th" ? p.label_th : p.label_en, p.slug));
  }
  if (chosen) select.value = chosen;
  renderAttributes();
}

function renderAttributes() {
  const p = programme();
  const box = document.getElementById("attributes");
  const kept = Object.fromEntries([...box.querySelectorAll("[name]")].map((el) => [el.name, el.type === "checkbox" ? el.checked : el.value]));
  box.innerHTML = "";
  const inspecting = kind() === "inspection";
  document.getElementById("site-row").hidden = !inspecting;
  document.getElementById("track-row").hidden = !(p.geometry === "line" && !inspecting);
  for (const field of p.fields) {
    if (inspecting && !field.inspection) continue;
    const label = document.createElement("label");
    const caption = document.createElement("span");
    caption.textContent = (lang === "th" ? field.label_th : field.label_en) + (field.required && !inspecting ? " *" : "");
    label.append(caption);
    let input;
    if (field.type === "choice") {
      input = document.createElement("select");
      input.add(new Option("–", ""));
      for (const choice of field.choices) input.add(new Option(choice.label, choice.value));
    } else if (field.type === "boolean") {
      input = document.createElement("input");
      input.type = "checkbox";
      label.classList.add("check");
    } else {
      input = document.createElement("input");
      input.type = { number: "number", integer: "number", date: "date" }[field.type] || "text";
      if (field.type === "number") input.step = "any";
    }
    input.name = field.name;
    input.dataset.type = field.type;
    if (field.name in kept) {
      if (input.type === "checkbox") input.checked = kept[field.name]; else input.value = kept[field.name];
    }
    label.append(input);
    box.append(label);
  }
  updateSendState();
}

function attributeValues() {
  const values = {};
  for (const el of document.querySelectorAll("#attributes [name]")) {
    if (el.type === "checkbox") { if (el.checked) values[el.name] = true; continue; }
    if (el.value === "") continue;
    values[el.name] = el.dataset.type === "number" || el.dataset.type === "integer" ? Number(el.value) : el.value;
  }
  return values;
}

// ---------- GPS ----------
function fixQuality() {
  if (!fix) return "none";
  const p = programme();
  if (fix.coords.accuracy > p.refuse_above_m) return "bad";
  return fix.coords.accuracy > p.flag_above_m ? "weak" : "good";
}

function renderFix() {
  const status = document.getElementById("gps-status");
  const quality = fixQuality();
  status.className = `gps ${quality}`;
  status.textContent = { none: t("waiting_fix"), good: t("fix_good"), weak: t("fix_weak"), bad: t("fix_bad") }[quality];
  if (fix) {
    document.getElementById("gps-lat").textContent = fix.coords.latitude.toFixed(6);
    document.getElementById("gps-lon").textContent = fix.coords.longitude.toFixed(6);
    document.getElementById("gps-acc").textContent = `± ${fix.coords.accuracy.toFixed(0)} m`;
  }
  document.getElementById("reason-row").hidden = quality !== "weak";
  updateSendState();
}

function watchPosition() {
  if (!("geolocation" in navigator)) return;
  navigator.geolocation.watchPosition((position) => {
    fix = position;
    if (track) {
      track.push([position.coords.longitude, position.coords.latitude]);
      document.getElementById("track-count").textContent = t("track_points", { n: track.length });
    }
    renderFix();
  }, () => renderFix(), { enableHighAccuracy: true, maximumAge: 0, timeout: 60000 });
}

// ---------- sending rules ----------
function whyNotSend() {
  const p = programme();
  if (!localStorage.getItem("field.token")) return t("need_signin");
  if (!fix) return t("no_fix");
  const acc = fix.coords.accuracy;
  if (acc > p.refuse_above_m) return t("too_poor", { acc: acc.toFixed(0), limit: p.refuse_above_m });
  if (acc > p.flag_above_m && !document.getElementById("accuracy_note").value.trim()) {
    return t("need_reason", { limit: p.flag_above_m });
  }
  if (kind() === "inspection" && !document.getElementById("site").value.trim()) return t("need_site");
  if (kind() === "new_site") {
    if (p.geometry === "line" && (!track || track.length < 2)) return t("need_track");
    const values = attributeValues();
    const missing = p.fields.filter((f) => f.required && !(f.name in values));
    if (missing.length) return t("required", { field: missing.map((f) => (lang === "th" ? f.label_th : f.label_en)).join(", ") });
  }
  return "";
}

function updateSendState() {
  const reason = whyNotSend();
  document.getElementById("blocked").textContent = reason;
  document.getElementById("send").disabled = Boolean(reason);
}

async function saveSubmission(event) {
  event.preventDefault();
  if (whyNotSend()) return updateSendState();
  const form = event.target;
  const p = programme();
  const entry = {
    uuid: crypto.randomUUID(),
    status: "queued",
    createdAt: new Date().toISOString(),
    fields: {
      programme: p.slug, kind: kind(),
      longitude: fix.coords.longitude, latitude: fix.coords.latitude, accuracy_m: fix.coords.accuracy,
      captured_at: new Date(fix.timestamp).toISOString(),
      accuracy_note: fix.coords.accuracy > p.flag_above_m ? form.accuracy_note.value.trim() : "",
      note: form.note.value.trim(),
      attributes: attributeValues(),
    },
    photos: [...document.getElementById("photos").files],
  };
  if (fix.coords.altitude !== null && fix.coords.altitude !== undefined) entry.fields.altitude_m = fix.coords.altitude;
  if (kind() === "inspection") entry.fields.site = form.site.value.trim();
  if (p.geometry === "line" && kind() === "new_site") entry.fields.line = { type: "LineString", coordinates: track };
  await putEntry(entry);
  form.reset();
  form.querySelector("input[name=kind][value=new_site]").checked = true;
  track = null;
  document.getElementById("track-count").textContent = "";
  renderAttributes();
  document.getElementById("blocked").textContent = navigator.onLine ? "" : t("saved_queued");
  await renderOutbox();
  flush();
}

// ---------- the outbox: send what is queued, exactly once per UUID ----------
function requestFor(entry) {
  const body = { uuid: entry.uuid, ...entry.fields };
  if (!entry.photos.length) {
    return { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } };
  }
  const form = new FormData();
  for (const [key, value] of Object.entries(body)) {
    form.append(key, typeof value === "object" ? JSON.stringify(value) : String(value));
  }
  entry.photos.forEach((photo, i) => form.append("photos", photo, photo.name || `photo-${i + 1}.jpg`));
  return { body: form, headers: {} };
}

async function flush() {
  if (flushing) { flushAgain = true; return; }
  flushing = true;
  let retryAfterMs = null;
  try {
    do {
      flushAgain = false;
      retryAfterMs = await sendQueued();
    } while (flushAgain && retryAfterMs === null);
  } finally {
    flushing = false;
  }
  if (retryAfterMs !== null) scheduleRetry(retryAfterMs);
  await renderOutbox();
}

// Send every queued entry in turn; answer how long to wait before retrying (null: nothing to retry).
async function sendQueued() {
  let retryAfterMs = null;
  for (const entry of await allEntries()) {
    if (entry.status !== "queued") continue;
    const token = localStorage.getItem("field.token");
    if (!token) break;
    const { body, headers } = requestFor(entry);
    let response;
    try {
      response = await fetch(`${API}/submissions`, { method: "POST", body, headers: { ...headers, Authorization: `Token ${token}` } });
    } catch (networkError) {
      retryAfterMs = RETRY_MS;   // no network: keep it queued
      break;
    }
    if (response.status === 201 || response.status === 200) {
      const stored = await response.json();
      Object.assign(entry, { status: "sent", sentAt: new Date().toISOString(), server: stored, photos: [] });
    } else if (response.status === 401) {
      localStorage.removeItem("field.token");
      showSignin();
      break;
    } else if (response.status >= 500) {
      retryAfterMs = 1000 * (Number(response.headers.get("Retry-After")) || RETRY_MS / 1000);
      break;
    } else {
      let problem = {};
      try { problem = await response.json(); } catch (e) { problem = { detail: `HTTP ${response.status}` }; }
      Object.assign(entry, { status: "refused", refusal: { en: problem.detail, th: problem.detail_th || problem.detail } });
    }
    await putEntry(entry);
    await renderOutbox();
  }
  return retryAfterMs;
}

function scheduleRetry(ms) {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(flush, ms);
}

async function renderOutbox() {
  const entries = (await allEntries()).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  const list = document.getElementById("outbox");
  list.innerHTML = "";
  const counts = { queued: 0, sent: 0, refused: 0 };
  for (const entry of entries) {
    counts[entry.status] = (counts[entry.status] || 0) + 1;
    const item = document.createElement("li");
    item.className = `entry ${entry.status}`;
    item.dataset.uuid = entry.uuid;
    item.dataset.status = entry.status;
    const p = PROGRAMMES.find((x) => x.slug === entry.fields.programme);
    const name = entry.fields.attributes.name_th || entry.fields.site || "";
    const head = document.createElement("strong");
    head.textContent = `${t(entry.status)} · ${lang === "th" ? p.label_th : p.label_en} ${name}`;
    item.append(head);
    const detail = document.createElement("small");
    if (entry.status === "refused") detail.textContent = lang === "th" ? entry.refusal.th : entry.refusal.en;
    else if (entry.status === "sent") detail.textContent = `${t("review_state")}: ${t("state_" + entry.server.state)}`;
    else detail.textContent = entry.uuid;
    item.append(document.createElement("br"), detail);
    list.append(item);
  }
  document.getElementById("counts").textContent = t("counts", { q: counts.queued, s: counts.sent, r: counts.refused });
}

// ---------- sign-in and network ----------
function showSignin() {
  const signedIn = Boolean(localStorage.getItem("field.token"));
  document.getElementById("signin").hidden = signedIn;
  document.getElementById("whoami").textContent = signedIn ? t("signed_in_as", { user: localStorage.getItem("field.user") || "" }) : "";
  updateSendState();
}

async function signIn(event) {
  event.preventDefault();
  const form = event.target;
  const error = document.getElementById("signin-error");
  try {
    const response = await fetch(`${API}/token`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: form.username.value, password: form.password.value }),
    });
    if (!response.ok) throw new Error(t("signin_failed"));
    localStorage.setItem("field.token", (await response.json()).token);
    localStorage.setItem("field.user", form.username.value);
    form.reset();
    error.textContent = "";
    showSignin();
    flush();
  } catch (e) {
    error.textContent = t("signin_failed");
  }
}

function renderNetwork() {
  const banner = document.getElementById("network");
  banner.textContent = navigator.onLine ? t("online") : t("offline");
  banner.className = `banner ${navigator.onLine ? "online" : "offline"}`;
}

function toggleTrack() {
  const button = document.getElementById("track-toggle");
  if (track === null || button.dataset.t === "track_start") {
    track = fix ? [[fix.coords.longitude, fix.coords.latitude]] : [];
    button.dataset.t = "track_stop";
  } else {
    button.dataset.t = "track_start";
  }
  button.textContent = t(button.dataset.t);
  document.getElementById("track-count").textContent = t("track_points", { n: track.length });
  updateSendState();
}

function start() {
  document.getElementById("lang").addEventListener("click", () => {
    lang = lang === "th" ? "en" : "th";
    localStorage.setItem("field.lang", lang);
    applyLanguage();
  });
  document.getElementById("programme").addEventListener("change", () => { track = null; renderAttributes(); renderFix(); });
  document.querySelectorAll("input[name=kind]").forEach((el) => el.addEventListener("change", renderAttributes));
  document.getElementById("submission").addEventListener("input", updateSendState);
  document.getElementById("submission").addEventListener("submit", saveSubmission);
  document.getElementById("signin-form").addEventListener("submit", signIn);
  document.getElementById("track-toggle").addEventListener("click", toggleTrack);
  window.addEventListener("online", () => { renderNetwork(); flush(); });
  window.addEventListener("offline", renderNetwork);
  setInterval(flush, RETRY_MS);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/field/sw.js", { scope: "/field/" });
  applyLanguage();
  showSignin();
  watchPosition();
  flush();
}

start();
