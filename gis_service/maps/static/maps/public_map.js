/* The public map: programme vector tiles over our own boundaries, legend, search and popups.
 * Started by the folium page with initPublicMap(map, config); config comes from gis_service/maps/public_map.py.
 */
"use strict";

/* Leaflet.VectorGrid 1.3.0 point symbols inherit getLatLng() from CircleMarker but hold no latlng, and
 * Leaflet 1.9 then fails on every click on a point. Without the method Leaflet takes the click's position. */
function patchVectorGridPoints() {
  if (L.VectorGrid.prototype._pointClickPatched) return;
  const createLayer = L.VectorGrid.prototype._createLayer;
  L.VectorGrid.prototype._createLayer = function (feature, pxPerExtent, layerStyle) {
    const layer = createLayer.call(this, feature, pxPerExtent, layerStyle);
    if (feature.type === 1) layer.getLatLng = undefined;
    return layer;
  };
  L.VectorGrid.prototype._pointClickPatched = true;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function programmeStyle(programme) {
  return function (properties, zoom) {
    const count = properties.count;
    const drawnAsPoint = programme.geometry === "Point" || count !== undefined;
    if (!drawnAsPoint) {
      return { color: programme.colour, weight: programme.lineWidth + (zoom >= 13 ? 1.5 : 0), opacity: 0.95 };
    }
    // Small at national zoom, where cells are 8 px apart; a merged cell grows with its count.
    const single = zoom >= 12 ? 6 : (zoom >= 8 ? 4 : 2.5);
    const radius = count > 1 ? Math.min(8, 2.5 + Math.log2(count)) : single;
    return {
      radius: radius, fill: true, fillColor: programme.colour, fillOpacity: 0.9,
      color: "#ffffff", weight: zoom >= 8 ? 1 : 0.5, opacity: 1,
    };
  };
}

function addLegend(map, config) {
  const legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    const box = element("div", "pm-legend leaflet-bar");
    box.appendChild(element("strong", null, config.text.legend));
    config.programmes.forEach(function (programme) {
      const row = element("div", "pm-legend-row");
      const symbol = element("span", programme.geometry === "Point" ? "pm-symbol-point" : "pm-symbol-line");
      symbol.style.background = programme.colour;
      row.appendChild(symbol);
      row.appendChild(element("span", null, programme.title));
      box.appendChild(row);
    });
    const hint = element("div", "pm-legend-row pm-legend-hint");
    hint.appendChild(element("span", "pm-symbol-cluster"));
    hint.appendChild(element("span", null, config.text.cluster_hint));
    box.appendChild(hint);
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  legend.addTo(map);
}

function addLanguageSwitch(map, config) {
  const control = L.control({ position: "topright" });
  control.onAdd = function () {
    const box = element("div", "pm-language leaflet-bar");
    const link = element("a", null, config.text.other_language);
    link.href = config.otherLanguageUrl;
    link.setAttribute("lang", config.lang === "th" ? "en" : "th");
    box.appendChild(link);
    return box;
  };
  control.addTo(map);
}

function addSearch(map, config, places) {
  const control = L.control({ position: "topleft" });
  control.onAdd = function () {
    const box = element("div", "pm-search leaflet-bar");
    const input = element("input");
    input.type = "search";
    input.placeholder = config.text.search;
    input.setAttribute("aria-label", config.text.search);
    const results = element("ul", "pm-search-results");
    box.appendChild(input);
    box.appendChild(results);
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);

    function go(place) {
      const [west, south, east, north] = place.bbox;
      map.fitBounds([[south, west], [north, east]]);
      results.replaceChildren();
      input.value = config.lang === "th" ? place.name_th : place.name_en;
    }
    function show() {
      const query = input.value.trim().toLowerCase();
      results.replaceChildren();
      if (!query) return;
      const found = places.list().filter(function (place) {
        return place.name_en.toLowerCase().includes(query) || place.name_th.includes(query);
      }).slice(0, 8);
      if (!found.length) {
        results.appendChild(element("li", "pm-search-empty", config.text.no_match));
        return;
      }
      found.forEach(function (place) {
        const word = place.kind === "province" ? config.text.province_word : config.text.district_word;
        const first = config.lang === "th" ? place.name_th : place.name_en;
        const second = config.lang === "th" ? place.name_en : place.name_th;
        const item = element("li", "pm-search-hit", word + " " + first + " (" + second + ")");
        item.tabIndex = 0;
        item.addEventListener("click", function () { go(place); });
        item.addEventListener("keydown", function (event) { if (event.key === "Enter") go(place); });
        results.appendChild(item);
      });
    }
    input.addEventListener("input", show);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && results.firstChild && results.firstChild.classList.contains("pm-search-hit")) {
        results.firstChild.click();
      }
    });
    return box;
  };
  control.addTo(map);
}

function loadPlaces(config) {
  let list = [];
  const byCode = {};
  const ready = fetch(config.placesUrl).then(function (response) { return response.json(); }).then(function (body) {
    list = body.places;
    list.forEach(function (place) { byCode[place.code] = place; });
  });
  return {
    ready: ready,
    list: function () { return list; },
    name: function (code) {
      const place = byCode[code];
      if (!place) return code || "";
      return config.lang === "th" ? place.name_th : place.name_en;
    },
  };
}

function popupContent(config, programme, feature, places) {
  const text = config.text;
  const p = feature.properties;
  const box = element("div", "pm-popup");
  box.setAttribute("data-code", feature.id);
  box.appendChild(element("div", "pm-popup-programme", programme.title));
  const title = config.lang === "th" ? p.name_th : (p.name_en || p.name_th);
  box.appendChild(element("strong", "pm-popup-name", title));
  if (config.lang !== "th" && p.name_th && p.name_en) box.appendChild(element("div", "pm-popup-alt", p.name_th));
  const rows = [
    [text.code, feature.id],
    [text.status, config.statusLabels[p.status] || p.status],
    [text.year, config.lang === "th"
      ? (p.programme_year + config.buddhistEraOffset) + " (" + p.programme_year + ")" : p.programme_year],
    [text.lao, p.lao_name_th && p.lao ? p.lao_name_th + " (" + p.lao + ")" : (p.lao_name_th || p.lao)],
    [text.district, places.name(p.district)],
    [text.province, places.name(p.province)],
  ];
  const table = element("table");
  rows.forEach(function (row) {
    if (row[1] === undefined || row[1] === null || row[1] === "") return;
    const tr = element("tr");
    tr.appendChild(element("th", null, row[0]));
    tr.appendChild(element("td", null, row[1]));
    table.appendChild(tr);
  });
  box.appendChild(table);
  const link = element("a", null, text.details);
  link.href = itemUrl(config, programme, feature.id) + "?f=html";
  box.appendChild(link);
  if (p.lao) {
    const laoLink = element("a", "pm-popup-lao", text.lao_page);
    laoLink.href = "/laos/" + encodeURIComponent(p.lao) + "/?lang=" + config.lang;
    box.appendChild(document.createTextNode(" · "));
    box.appendChild(laoLink);
  }
  return box;
}

function itemUrl(config, programme, id) {
  return config.itemUrl.replace("{layer}", programme.id).replace("{id}", encodeURIComponent(id));
}

function onFeatureClick(map, config, programme, places, event) {
  const properties = event.layer.properties || {};
  if (properties.count > 1) {
    // A merged cell: zoom in towards it rather than open a popup for many sites.
    map.setView(event.latlng, Math.min(map.getZoom() + 2, 8));
    return;
  }
  const id = properties[programme.idField];
  const popup = L.popup({ maxWidth: 300, autoPanPadding: [16, 16] })
    .setLatLng(event.latlng).setContent(config.text.loading).openOn(map);
  fetch(itemUrl(config, programme, id), { headers: { Accept: "application/geo+json" } })
    .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
    .then(function (feature) { return places.ready.then(function () { return feature; }); })
    .then(function (feature) { popup.setContent(popupContent(config, programme, feature, places)); })
    .catch(function () { popup.setContent(element("div", "pm-popup-error", config.text.failed)); });
}

function initPublicMap(map, config) {
  patchVectorGridPoints();
  map.setMinZoom(config.minZoom);
  map.setMaxZoom(config.maxZoom);
  const places = loadPlaces(config);
  const boundaryStyles = {};
  Object.keys(config.boundaries.layers).forEach(function (id) {
    const style = config.boundaries.layers[id];
    boundaryStyles[id] = { color: style.colour, weight: style.weight, fill: false, interactive: false, opacity: 0.8 };
  });
  // Our own boundaries are the base layer: the map needs no internet.
  const boundaries = L.vectorGrid.protobuf(config.boundaries.url, {
    rendererFactory: L.svg.tile, interactive: false, maxNativeZoom: config.boundaries.maxNativeZoom,
    vectorTileLayerStyles: boundaryStyles,
    attribution: "Boundaries: DOPA via GeoThai (CC BY 4.0)",
  }).addTo(map);

  const layers = {};
  const overlays = {};
  config.programmes.forEach(function (programme) {
    const styles = {};
    styles[programme.id] = programmeStyle(programme);
    const layer = L.vectorGrid.protobuf(programme.url, {
      // The SVG renderer: VectorGrid's canvas click handler calls an API Leaflet 1.9 no longer has.
      rendererFactory: L.svg.tile, interactive: true,
      minZoom: programme.minZoom, maxNativeZoom: programme.maxNativeZoom,
      vectorTileLayerStyles: styles,
      getFeatureId: function (feature) { return feature.properties[programme.idField]; },
      attribution: "DLA programme sites",
    });
    layer.on("click", function (event) { onFeatureClick(map, config, programme, places, event); });
    layer.addTo(map);
    layers[programme.id] = layer;
    const label = '<span class="pm-swatch" style="background:' + programme.colour + '"></span>';
    overlays[label + element("span", null, programme.title).outerHTML] = layer;
  });
  const baseLayers = {};
  baseLayers[config.text.boundaries] = boundaries;
  L.control.layers(baseLayers, overlays, { collapsed: window.innerWidth < 700, position: "topright" }).addTo(map);
  addLanguageSwitch(map, config);
  addSearch(map, config, places);
  addLegend(map, config);
  goToHash(map);
  return { map: map, layers: layers, boundaries: boundaries, places: places };
}

/* A link such as /map/#12/14.97401/102.08575 (zoom/latitude/longitude; an LAO's page links its office so)
   opens the map there. */
function goToHash(map) {
  const parts = window.location.hash.replace(/^#/, "").split("/").map(Number);
  if (parts.length === 3 && parts.every(Number.isFinite) && Math.abs(parts[1]) <= 90 && Math.abs(parts[2]) <= 180) {
    map.setView([parts[1], parts[2]], Math.min(Math.max(parts[0], map.getMinZoom()), map.getMaxZoom()));
    // A ring marks the place asked for, above the sites.
    L.circleMarker([parts[1], parts[2]], { radius: 9, color: "#222222", weight: 3, fill: false, interactive: false,
      className: "pm-asked-place" }).addTo(map);
  }
}
