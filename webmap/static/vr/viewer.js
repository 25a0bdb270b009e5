// The VR360 viewer: Photo Sphere Viewer with tiles, markers, a virtual tour between
// scenes, a mini-map, a compass and device orientation. Scene documents come from
// /vr/<scene>.json; every library is served by this site (see the page's import map).
// start.js imports this module (after adding the libraries' stylesheets) when the
// viewer is wanted; `shown` settles once the first scene is on screen.
import { Viewer } from '@photo-sphere-viewer/core';
import { EquirectangularTilesAdapter } from '@photo-sphere-viewer/equirectangular-tiles-adapter';
import { MarkersPlugin } from '@photo-sphere-viewer/markers-plugin';
import { VirtualTourPlugin } from '@photo-sphere-viewer/virtual-tour-plugin';
import { MapPlugin } from '@photo-sphere-viewer/map-plugin';
import { CompassPlugin } from '@photo-sphere-viewer/compass-plugin';
import { GyroscopePlugin } from '@photo-sphere-viewer/gyroscope-plugin';

const cfg = JSON.parse(document.getElementById('vr-config').textContent);
const texts = JSON.parse(document.getElementById('vr-texts').textContent);
const T = texts.page;
const SCENE_SPOT = 'scene:';  // mini-map hotspot ids
const KIND_COLOURS = { landmark: '#1f4e79', park: '#b03a2e', parcel: '#27ae60' };
const docs = new Map();  // scene id → scene document
const ARROW_PX = 52;  // walk-to arrows: touch targets of 44 px at least
const SMALL_SCREEN = window.matchMedia('(max-width: 767px)').matches;
let showFirst;
export const shown = new Promise((resolve) => { showFirst = resolve; });

function esc(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => (
    { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function sceneUrl(id, template) {
  return template.replace('__ID__', encodeURIComponent(id));
}

function pin(marker) {
  const el = document.createElement('div');
  el.className = `vr-pin vr-pin-${marker.kind}`;
  const dot = document.createElement('span');
  dot.className = 'vr-pin-dot';
  const label = document.createElement('span');
  label.className = 'vr-pin-label';
  label.textContent = marker.label;
  el.append(label, dot);  // the viewer sets display: block on the element
  return el;
}

function markerConfig(marker) {
  return {
    id: marker.id,
    element: pin(marker),
    position: { yaw: marker.yaw, pitch: marker.pitch },
    anchor: 'bottom center',
    tooltip: { content: esc(marker.tooltip), position: 'top center' },
    data: marker,
  };
}

function outlineMarkers(parcel) {
  return parcel.rings.map((ring, i) => ({
    id: `parcel-outline-${i}`,
    polygon: ring,
    svgStyle: { fill: 'rgba(241, 196, 15, 0.25)', stroke: '#f1c40f', strokeWidth: '3px' },
    tooltip: { content: esc(parcel.tooltip) },
    data: { kind: 'parcel', info: parcel.info },
  }));
}

function toNode(doc) {
  const tiles = doc.panorama;
  const markers = doc.markers.map(markerConfig);
  if (doc.parcel) markers.push(...outlineMarkers(doc.parcel));
  return {
    id: doc.id,
    // The tour plugin and the navbar insert both as HTML: pass text only.
    name: esc(doc.name),
    caption: esc(doc.name),
    thumbnail: doc.thumbnail,
    panorama: {
      baseUrl: tiles.baseUrl,
      levels: tiles.levels,
      tileUrl: (col, row, level) => `${tiles.tilePrefix}${level}/${col}_${row}.jpg`,
    },
    // The image centre faces doc.heading: turn the sphere so that yaw is the true bearing.
    sphereCorrection: { pan: -doc.heading * Math.PI / 180 },
    // Each arrow stands where the server put it (below the horizon, fanned out
    // from its neighbours); the true bearing stays the link's position.
    links: doc.links.map((l) => ({
      nodeId: l.nodeId,
      position: l.position,
      linkOffset: { yaw: l.arrow.yaw - l.position.yaw, pitch: l.arrow.pitch - l.position.pitch },
      data: l,
    })),
    markers,
    map: doc.map ? { x: doc.map.x, y: doc.map.y } : false,
    data: doc,
  };
}

async function getNode(id) {
  const parcel = id === cfg.start && cfg.parcel ? `&parcel=${encodeURIComponent(cfg.parcel)}` : '';
  const response = await fetch(sceneUrl(id, cfg.sceneUrl) + parcel);
  if (!response.ok) throw new Error(`scene ${id}: HTTP ${response.status}`);
  const doc = await response.json();
  docs.set(doc.id, doc);
  return toNode(doc);
}

const plugins = [
  MarkersPlugin,
  [CompassPlugin, { size: '90px', position: 'top right', hotspotColor: '#1f4e79' }],
  [GyroscopePlugin, { touchmove: true }],
];
if (cfg.minimap) {
  plugins.push([MapPlugin, {
    imageUrl: cfg.minimap.imageUrl,
    size: '220px',
    position: 'bottom left',
    visibleOnLoad: !SMALL_SCREEN,  // a phone shows the view first, the map on demand
    defaultZoom: 160,
    rotation: 0,
    spotStyle: { size: 12, color: '#ffffff', borderSize: 2, borderColor: '#1f4e79' },
    buttons: { maximize: true, close: true, reset: true, north: true },
  }]);
}
plugins.push([VirtualTourPlugin, {
  dataMode: 'server',
  positionMode: 'manual',
  // Flat arrows in the direction of each scene, of a fixed size: the 3D ones lie on a
  // small ring on the ground and cover each other on a phone.
  renderMode: '2d',
  arrowStyle: { size: { width: ARROW_PX, height: ARROW_PX } },
  getNode,
  startNodeId: cfg.start,
  preload: false,
  linksOnCompass: false,
  // PSV 5.15.1 fills a link's hover tooltip asynchronously and throws when the click
  // on that link has already hidden it; the compass and the map name the scenes.
  showLinkTooltip: false,
  transitionOptions: { showLoader: true, speed: '20rpm', effect: 'fade', rotation: true },
}]);

const viewer = new Viewer({
  container: document.getElementById('vr-viewer'),
  adapter: EquirectangularTilesAdapter,
  plugins,
  lang: texts.psv,
  loadingTxt: texts.psv.loading,
  defaultZoomLvl: cfg.zoom,  // the page's preview image is drawn at the same zoom
  mousewheelCtrlKey: false,
  navbar: [
    'zoom', 'move',
    { id: 'vr-park', title: T.parkInfo, className: 'vr-park-button', content: '<span aria-hidden="true">i</span>', onClick: () => showCurrentPark() },
    'markersList', 'gyroscope', 'caption', 'fullscreen',
  ],
});
// An error the viewer shows (panorama or scene not loaded) must not stay under the still.
viewer.addEventListener('show-overlay', () => showFirst());
const markers = viewer.getPlugin(MarkersPlugin);
const tour = viewer.getPlugin(VirtualTourPlugin);
const map = cfg.minimap ? viewer.getPlugin(MapPlugin) : null;
const compass = viewer.getPlugin(CompassPlugin);

function infoPanel(info) {
  const link = `<p><a class="vr-map-link" href="${esc(info.map_url)}">${esc(T.openOnMap)}</a></p>`;
  const head = `<h2>${esc(info.title)}</h2><p class="vr-where">${esc(info.where)}</p>`;
  viewer.panel.show({ id: 'vr-info', content: `${head}<div class="vr-details"></div>${link}` });
  if (!info.details_url) return;
  fetch(info.details_url).then((r) => (r.ok ? r.json() : Promise.reject(r.status))).then((view) => {
    const box = document.querySelector('.psv-panel .vr-details');
    if (box) box.innerHTML = view.html;  // the map's popup: escaped on the server
  }).catch(() => {
    const box = document.querySelector('.psv-panel .vr-details');
    if (box) box.textContent = T.detailsError;
  });
}

function showCurrentPark() {
  const doc = docs.get(tour.getCurrentNode()?.id);
  const park = doc?.markers.find((m) => m.kind === 'park' && m.info.id === doc.park);
  if (park) infoPanel(park.info);
}

markers.addEventListener('select-marker', ({ marker }) => {
  if (marker.data?.info) infoPanel(marker.data.info);
});

function updatePage(doc) {
  document.body.dataset.scene = doc.id;
  document.title = `${doc.name} – 360°`;
  document.getElementById('vr-title').textContent = doc.name;
  document.getElementById('vr-generated').hidden = !doc.generated;
  document.body.classList.toggle('vr-photo', !doc.generated);  // photos: show names
  if (doc.id !== cfg.start) {  // the start scene keeps the link the map sent
    document.getElementById('vr-back').href = doc.back_url;
    history.replaceState(null, '', sceneUrl(doc.id, cfg.pageUrl));
  }
}

function updateMaps(doc) {
  const spots = doc.markers.filter((m) => m.kind !== 'parcel').map((m) => ({
    yaw: m.yaw, color: KIND_COLOURS[m.kind] || '#555', size: m.kind === 'landmark' ? 14 : 9,
  }));
  spots.push(...doc.links.map((l) => ({ yaw: l.position.yaw, color: '#ffffff', size: 10 })));
  compass.setHotspots(spots);
  if (!map) return;
  // The virtual-tour plugin leaves the map alone in server mode: place it here.
  if (doc.map) map.setCenter({ x: doc.map.x, y: doc.map.y });
  map.setHotspots(cfg.scenes.filter((s) => s.map && s.id !== doc.id).map((s) => ({
    id: SCENE_SPOT + s.id, x: s.map.x, y: s.map.y, tooltip: esc(s.name),
  })));
}

map?.addEventListener('select-hotspot', ({ hotspotId }) => {
  if (hotspotId.startsWith(SCENE_SPOT)) tour.setCurrentNode(hotspotId.slice(SCENE_SPOT.length));
});

let first = true;
tour.addEventListener('node-changed', ({ node }) => {
  const doc = docs.get(node.id);
  updatePage(doc);
  updateMaps(doc);
  if (first && doc.parcel) {
    viewer.rotate({ yaw: doc.parcel.yaw, pitch: doc.parcel.pitch });
  }
  first = false;
  document.body.dataset.ready = 'true';
  showFirst();
});

// The tour plugin's arrows are bare <button>s: name each after the scene it leads to.
new MutationObserver(() => {
  for (const arrow of viewer.container.querySelectorAll('.psv-virtual-tour-link:not([aria-label])')) {
    const link = arrow.tourLink?.data;
    if (!link) continue;
    arrow.setAttribute('aria-label', `${link.name} (${link.distance})`);
    arrow.title = link.name;  // the tour's own tooltip is off (see showLinkTooltip)
  }
}).observe(viewer.container, { childList: true, subtree: true });

// The tour walks on pointer clicks only: let Enter and Space on a focused arrow walk too.
viewer.container.addEventListener('click', (event) => {
  const arrow = event.target.closest?.('.psv-virtual-tour-link');
  if (event.detail !== 0 || !arrow?.tourLink) return;  // detail 0: from the keyboard
  tour.setCurrentNode(arrow.tourLink.nodeId, null, arrow.tourLink);
});

window.parkmapVR = { viewer, tour, markers, map, compass, docs };
