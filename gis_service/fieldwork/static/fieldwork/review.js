// The reviewer's queue: each submission on a map beside nearby sites, its photos and flags, and the decisions.
"use strict";

const API = "/api/field";
// Thai and English words from the server's translation catalogue (fieldwork/page_text.py), shown side by side.
const WORDS = JSON.parse(document.getElementById("words").textContent);

function say(key, params = {}) {
  const fill = (text) => Object.entries(params).reduce((out, [name, value]) => out.replace(`{${name}}`, value), text);
  return `${fill(WORDS.th[key])} · ${fill(WORDS.en[key])}`;
}
const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;

async function call(path, method = "GET", body = undefined) {
  const response = await fetch(API + path, {
    method, credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json();
  if (!response.ok) throw new Error(`${data.detail_th || ""} · ${data.detail || response.status}`);
  return data;
}

function element(tag, text, className) {
  const el = document.createElement(tag);
  if (text !== undefined) el.textContent = text;
  if (className) el.className = className;
  return el;
}

async function drawMap(container, submission) {
  const nearby = await call(`/submissions/${submission.uuid}/nearby`);
  if (!window.L) {   // Leaflet's files missing (static files not collected): list the sites instead
    const list = element("ul");
    nearby.features.filter((f) => f.properties.kind === "site")
      .forEach((f) => list.append(element("li", `${f.properties.code} ${f.properties.name_th} (${f.properties.status})`)));
    container.replaceWith(list);
    return;
  }
  const map = L.map(container, { attributionControl: false });
  map.setView([submission.latitude, submission.longitude], 16);
  const layer = L.geoJSON(nearby, {
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, {
      radius: feature.properties.kind === "submission" ? 9 : 6,
      color: feature.properties.kind === "submission" ? "#cc0000" : "#0b5394", fillOpacity: 0.7,
    }),
    onEachFeature: (feature, marker) => marker.bindTooltip(feature.properties.code || "submission"),
  }).addTo(map);
  L.circle([submission.latitude, submission.longitude], { radius: submission.accuracy_m, weight: 1 }).addTo(map);
  if (layer.getLayers().length > 1) map.fitBounds(layer.getBounds().pad(0.3), { maxZoom: 17 });
}

function decide(submission, path, needsReason) {
  return async () => {
    const reason = needsReason || path === "approve" ? window.prompt(say("reason")) : "";
    if (needsReason && !reason) return;
    try {
      await call(`/submissions/${submission.uuid}/${path}`, "POST", { reason: reason || "" });
      await load();
    } catch (error) {
      document.getElementById("message").textContent = error.message;
    }
  };
}

function card(submission) {
  const box = element("section", undefined, "card");
  box.dataset.uuid = submission.uuid;
  const name = submission.attributes.name_th || submission.site || "";
  box.append(element("h2", `${submission.programme} · ${submission.kind} · ${name}`));
  box.append(element("p", `${submission.officer} · ${submission.place.subdistrict_th} ${submission.place.district_th} ` +
    `${submission.place.province_th} · ± ${submission.accuracy_m.toFixed(0)} m · ${submission.captured_at}`, "muted"));
  submission.flags.forEach((flag) => box.append(element("p", `${flag.message_th} · ${flag.message_en}`, "flag")));
  const map = element("div", undefined, "map");
  box.append(map);
  const photos = element("div", undefined, "photos");
  submission.photos.forEach((photo) => {
    const img = element("img");
    img.src = photo.thumbnail_url;
    img.alt = `photo ${photo.position + 1}`;
    photos.append(img);
  });
  box.append(photos);
  const actions = element("div", undefined, "actions");
  for (const candidate of submission.duplicate_candidates) {
    if (candidate.type !== "site" || submission.duplicate_decision) continue;
    const same = element("button", say("same_site", { code: candidate.code, distance: candidate.distance_m }), "decide");
    same.onclick = async () => {
      await call(`/submissions/${submission.uuid}/duplicate-decision`, "POST", { decision: "same_site", site: candidate.uid });
      await load();
    };
    actions.append(same);
  }
  if (submission.duplicate_candidates.length && !submission.duplicate_decision) {
    const different = element("button", say("different_site"), "decide");
    different.onclick = async () => {
      await call(`/submissions/${submission.uuid}/duplicate-decision`, "POST", { decision: "different_site" });
      await load();
    };
    actions.append(different);
  }
  const buttons = [["approve", say("approve"), false], ["return", say("return"), true], ["reject", say("reject"), true]];
  for (const [path, label, needsReason] of buttons) {
    const button = element("button", label, path);
    button.onclick = decide(submission, path, needsReason);
    actions.append(button);
  }
  box.append(actions);
  return box;
}

async function load() {
  const queue = await call("/review-queue");
  document.getElementById("summary").textContent = say("waiting", { n: queue.length });
  const list = document.getElementById("queue");
  list.innerHTML = "";
  for (const submission of queue) {
    const box = card(submission);
    list.append(box);
    // Leaflet measures its container, so the map is drawn once the card is on the page.
    const map = box.querySelector(".map");
    drawMap(map, submission).catch((error) => { map.textContent = error.message; });
  }
}

load().catch((error) => { document.getElementById("message").textContent = error.message; });
