/* parkmap-controls.js: the map's own controls, loaded before parkmap.js.
 *
 * Controls moved into the panel, locate, minimap, measuring tool, cooperative gestures,
 * text-only search tips and the styles of vector-tile overlays. Each function takes
 * the page state S that parkmap.init builds.
 */
(function () {
  'use strict';

  var pm = window.parkmap = window.parkmap || {};
  var ui = pm.ui = {};

  /* ---- search tips as text (leaflet-search would insert HTML) ---- */
  pm.searchTip = function (text) {
    var a = document.createElement('a');
    a.textContent = text;
    return a;
  };

  /* ---- vector tile overlays ---- */
  pm.tileOptions = function (spec) {
    var style = function (props) {
      var c = spec.colorBy ? (spec.colors[props[spec.colorBy]] || '#9e9e9e') : spec.color;
      if (spec.geometry === 'Point') {
        return {radius: 5, fill: true, fillColor: c, fillOpacity: 0.85, color: '#fff', weight: 1};
      }
      if (spec.geometry === 'LineString') { return {color: c, weight: 3}; }
      // A status also shows in the outline (weight, dash), not by colour alone.
      var line = spec.colorBy && spec.lines && spec.lines[props[spec.colorBy]];
      if (line) {
        return {fill: true, fillColor: c, fillOpacity: 0.6, color: '#1d2731', opacity: 0.85,
          weight: line.weight, dashArray: line.dash || null};
      }
      return {fill: true, fillColor: c, fillOpacity: 0.6, color: '#ffffff', weight: 0.7};
    };
    var styles = {};
    styles[spec.layer] = style;
    return {
      vectorTileLayerStyles: styles,
      interactive: true,
      pane: 'pm-tiles',
      minZoom: spec.minZoom,
      getFeatureId: function (f) { return f.properties[spec.idField]; }
    };
  };

  // The park search and the imagery sliders live in the panel's Layers tab; the
  // measuring tool's button too (its control stays on the map, hidden).
  ui.adoptControls = function (S) {
    var search = document.querySelector('.leaflet-control-search');
    pm.shell.adopt(search, '#pm-layers', true);
    var imagery = document.querySelector('.pm-raster-opacity');
    if (imagery) {
      pm.shell.adopt(imagery, '.pm-layer-group[data-group="imagery"]') ||
        pm.shell.adopt(imagery, '#pm-layers');
      L.DomEvent.disableClickPropagation(imagery);
    }
  };

  // "Show my location": a button with the zoom and full-screen ones.
  ui.addLocate = function (S) {
    if (!navigator.geolocation) { return; }
    var t = S.config.texts;
    var Locate = L.Control.extend({
      onAdd: function (map) {
        var bar = L.DomUtil.create('div', 'leaflet-bar pm-locate');
        var a = L.DomUtil.create('a', '', bar);
        a.href = '#';
        a.setAttribute('role', 'button');
        a.title = t.locate;
        a.setAttribute('aria-label', t.locate);
        a.textContent = '\u25CE';
        L.DomEvent.on(a, 'click', function (e) {
          L.DomEvent.preventDefault(e);
          map.locate({setView: true, maxZoom: 15});
        });
        L.DomEvent.disableClickPropagation(bar);
        return bar;
      }
    });
    new Locate({position: 'topleft'}).addTo(S.map);
  };

  // Show the legend of the overlays on the map only.
  ui.legendForVisible = function (S) {
    document.querySelectorAll('#pm-legend section[data-layer]').forEach(function (section) {
      var layer = S.overlays[section.getAttribute('data-layer')];
      section.hidden = !(layer && S.map.hasLayer(layer));
    });
  };

  ui.miniLayer = function (S, key) {
    var base = S.config.bases[key];
    if (base) { return L.tileLayer(base.url, {minZoom: 0, maxZoom: 14}); }
    var group = L.featureGroup();
    ['zones', 'parks'].forEach(function (name) {
      var o = S.overlays[name];
      if (o && o.toGeoJSON && !o.getTileSize) {
        group.addLayer(L.geoJSON(o.toGeoJSON(), {
          interactive: false, style: {color: '#1f4e79', weight: 1, fillOpacity: 0.25}
        }));
      }
    });
    return group;
  };

  ui.addMiniMap = function (S) {
    var t = S.config.texts;
    S.miniMap = new L.Control.MiniMap(ui.miniLayer(S, S.base), {
      position: 'bottomright', toggleDisplay: true, minimized: true,
      width: 140, height: 140, zoomLevelOffset: -5,
      strings: {hideText: t.minimapHide, showText: t.minimapShow}
    }).addTo(S.map);
  };

  ui.addMeasure = function (S) {
    var t = S.config.texts;
    var control = L.control.polylineMeasure({
      position: 'topleft', unit: 'metres', showClearControl: true,
      measureControlTitleOn: t.measureOn, measureControlTitleOff: t.measureOff,
      clearControlTitle: t.measureClear,
      tooltipTextFinish: t.measureFinish + '<br>', tooltipTextDelete: t.measureDelete,
      tooltipTextMove: t.measureMove + '<br>', tooltipTextResume: '<br>' + t.measureResume,
      tooltipTextAdd: t.measureAdd
    }).addTo(S.map);
    control.getContainer().classList.add('pm-hidden-control');
    var host = document.getElementById('pm-layers');
    if (!host) { return; }
    var tools = L.DomUtil.create('div', 'pm-tools', host);
    var measure = L.DomUtil.create('button', '', tools);
    measure.type = 'button';
    measure.textContent = t.measureOn;
    measure.setAttribute('aria-pressed', 'false');
    var clear = L.DomUtil.create('button', '', tools);
    clear.type = 'button';
    clear.textContent = t.measureClear;
    measure.addEventListener('click', function () {
      control._toggleMeasure();
      var on = !!control._measuring;
      measure.setAttribute('aria-pressed', on ? 'true' : 'false');
      if (on && pm.shell.narrow()) { pm.shell.setSheet('peek'); }
    });
    clear.addEventListener('click', function () { control._clearAllMeasurements(); });
  };

  // Cooperative gestures (framed or embedded): the wheel zooms with Ctrl/⌘ or after a click.
  ui.cooperativeGestures = function (S) {
    var map = S.map;
    var container = map.getContainer();
    var active = false;
    var timer = null;
    var hint = L.DomUtil.create('div', 'pm-gesture-hint', container);
    var mac = /Mac|iPhone|iPad/.test(navigator.platform || '');
    hint.textContent = mac ? S.config.texts.gestureMac : S.config.texts.gesture;
    map.scrollWheelZoom.disable();
    document.addEventListener('wheel', function (e) {
      if (!container.contains(e.target)) { return; }
      if (e.ctrlKey || e.metaKey || active) {
        map.scrollWheelZoom.enable();
        return;
      }
      map.scrollWheelZoom.disable();
      hint.classList.add('pm-visible');
      clearTimeout(timer);
      timer = setTimeout(function () { hint.classList.remove('pm-visible'); }, 1500);
    }, {capture: true, passive: true});
    map.on('click', function () { active = true; map.scrollWheelZoom.enable(); });
    container.addEventListener('mouseleave', function () {
      active = false;
      map.scrollWheelZoom.disable();
    });
  };

}());
