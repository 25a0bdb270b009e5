/* planner-map.js: the "Site clearance" layer of /planner/map, its time slider and
 * the edit form in the side panel.
 *
 * - loads the tracked parcels of the box in view (never the whole layer) from
 *   config.geojsonUrl on every moveend, as they stood on the day the slider shows;
 * - colours them by stage (config.stages) and outlines the overdue ones;
 * - a click at "today" opens the form; saving sends PATCH <parcelUrl><id> with the
 *   version and the X-CSRFToken header; 200 recolours the parcel at once, 409 loads
 *   the current values, 422 shows the message beside the field it names;
 * - a past day is read-only;
 * - every value from the data reaches the page as text (textContent, .value).
 */
(function () {
  'use strict';

  var pm = window.parkmap = window.parkmap || {};
  var FIELDS = ['stage', 'cleared_ha', 'households_affected', 'households_relocated',
    'target_date', 'note'];
  var NUMBERS = {cleared_ha: true, households_affected: true, households_relocated: true};
  var DONE = {cleared: true, handed_over: true};
  var P = null; // {map, group, config, colors, positions, when, seq, layers, selected}

  function $(id) { return document.getElementById(id); }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  function t(key, values) { return fill(P.config.texts[key], values || {}); }

  function formatDate(day) {
    try {
      return new Intl.DateTimeFormat(P.config.lang, {dateStyle: 'medium', timeZone: 'UTC'})
        .format(new Date(day + 'T00:00:00Z'));
    } catch (err) { return day; }
  }

  function formatNumber(value) {
    return new Intl.NumberFormat(P.config.lang, {maximumFractionDigits: 4}).format(value);
  }

  function status(text) { $('pc-status').textContent = text; }

  /* ---- the layer ---- */
  function style(feature) {
    var p = feature.properties;
    var selected = P.selected && P.selected.id === feature.id;
    return {
      fill: true, fillColor: P.colors[p.stage] || '#9e9e9e', fillOpacity: 0.85,
      color: p.overdue ? P.config.overdueColor : (selected ? '#000000' : '#33414e'),
      weight: selected ? 3.5 : (p.overdue ? 2.5 : 1),
      dashArray: p.overdue ? '5 4' : null
    };
  }

  function tooltip(layer) {
    var p = layer.feature.properties;
    var el = document.createElement('div');
    var title = document.createElement('strong');
    title.textContent = t('parcel', {id: layer.feature.id});
    el.appendChild(title);
    var stage = document.createElement('div');
    stage.textContent = P.labels[p.stage] || p.stage;
    el.appendChild(stage);
    return el;
  }

  function decorate(layer) {
    var el = layer.getElement && layer.getElement();
    if (!el) { return; }
    el.setAttribute('data-parcel', String(layer.feature.id));
    el.setAttribute('data-stage', String(layer.feature.properties.stage));
  }

  function onEachFeature(feature, layer) {
    P.layers[feature.id] = layer;
    layer.bindTooltip(tooltip, {sticky: true});
    layer.on('click', function (e) {
      L.DomEvent.stopPropagation(e);
      select(feature.id);
    });
    layer.on('add', function () { decorate(layer); });
  }

  function bboxParam() {
    var b = P.map.getBounds();
    var clamp = function (v, lo, hi) { return Math.min(hi, Math.max(lo, v)); };
    var box = [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
      clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)];
    var widest = Math.max(box[2] - box[0], box[3] - box[1]);
    if (widest > P.config.maxSpan) { return null; }
    return box.map(function (v) { return v.toFixed(6); }).join(',');
  }

  function load() {
    if (!P.map.hasLayer(P.group)) { status(''); return; }
    var bbox = bboxParam();
    var seq = ++P.seq;
    if (bbox === null) {
      P.group.clearLayers();
      P.layers = {};
      status(t('zoomIn'));
      return;
    }
    var params = new URLSearchParams({bbox: bbox});
    if (P.when) { params.set('at', P.when); }
    status(t('loading'));
    fetch(P.config.geojsonUrl + '?' + params, {
      credentials: 'same-origin', headers: {Accept: 'application/geo+json'}
    }).then(function (r) {
      if (!r.ok) { throw r; }
      return r.json();
    }).then(function (data) {
      if (seq === P.seq) { draw(data); }
    }).catch(function (err) {
      if (seq !== P.seq) { return; }
      status(err && err.status === 401 ? t('signedOut') : t('failed'));
    });
  }

  function draw(data) {
    P.group.clearLayers();
    P.layers = {};
    L.geoJSON(data, {pane: P.config.pane, style: style, onEachFeature: onEachFeature})
      .addTo(P.group);
    var text = t('count', {n: data.numberReturned});
    if (data.truncated) { text += ' ' + t('truncated', {n: data.numberReturned}); }
    status(text);
    if (P.selected && P.refreshSelected) {
      var layer = P.layers[P.selected.id];
      if (layer) { showParcel(layer.feature.properties); } else { closePanel(); }
    }
    P.refreshSelected = false;
    pm.planner.loaded += 1;
    window.dispatchEvent(new CustomEvent('parkmap:clearance-loaded'));
  }

  function restyle(id, props) {
    var layer = P.layers[id];
    if (!layer) { return; }
    layer.feature.properties = props;
    layer.setStyle(style(layer.feature));
    decorate(layer);
  }

  /* ---- the time slider ---- */
  function whenText() {
    var out = $('pc-when-text');
    out.textContent = P.when ? t('asOf', {date: formatDate(P.when)}) : t('today');
    out.setAttribute('data-date', P.when || '');
  }

  function loadDates() {
    return fetch(P.config.datesUrl, {credentials: 'same-origin'}).then(function (r) {
      if (!r.ok) { throw r; }
      return r.json();
    }).then(function (data) {
      P.positions = data.dates.filter(function (d) { return d < data.today; });
      P.positions.push(null); // today: live and editable
      var slider = $('pc-when');
      var ticks = $('pc-ticks');
      ticks.textContent = '';
      P.positions.forEach(function (day, i) {
        var option = document.createElement('option');
        option.value = String(i);
        option.label = day ? formatDate(day) : t('today');
        ticks.appendChild(option);
      });
      slider.max = String(P.positions.length - 1);
      slider.value = String(Math.max(0, P.positions.indexOf(P.when)));
      slider.disabled = P.positions.length < 2;
    }).catch(function () { status(t('failed')); });
  }

  function onSlide() {
    var day = P.positions[Number($('pc-when').value)];
    if (day === undefined || day === P.when) { return; }
    P.when = day;
    whenText();
    P.refreshSelected = true;
    load();
  }

  /* ---- the side panel and its form ---- */
  function asText(value) { return value === null || value === undefined ? '' : String(value); }

  function clearErrors() {
    FIELDS.concat(['reason']).forEach(function (name) {
      var err = $('pc-err-' + name);
      err.hidden = true;
      err.textContent = '';
      $('pc-' + name).removeAttribute('aria-invalid');
    });
    message('', '');
  }

  function message(text, kind) {
    var el = $('pc-form-message');
    el.textContent = text;
    el.className = 'pc-message' + (kind ? ' pc-' + kind : '');
    el.hidden = !text;
  }

  function setFormValues(props) {
    P.initial = {};
    FIELDS.forEach(function (name) {
      $('pc-' + name).value = asText(props[name]);
      P.initial[name] = $('pc-' + name).value;
    });
    $('pc-cleared_ha').max = String(props.area_ha);
  }

  function showParcel(props) {
    var editable = !P.when;
    var previous = P.selected && P.selected.id;
    P.selected = {id: props.parcel_id, props: props};
    if (previous && previous !== props.parcel_id && P.layers[previous]) {
      restyle(previous, P.layers[previous].feature.properties);
    }
    restyle(props.parcel_id, props);
    $('pc-parcel').hidden = false;
    $('pc-parcel-title').textContent = t('parcel', {id: props.parcel_id});
    $('pc-parcel-park').textContent = P.config.parks[props.park_id] || props.park_id;
    $('pc-parcel-area').textContent = t('area', {ha: formatNumber(props.area_ha)});
    $('pc-parcel-changed').textContent = props.updated_at
      ? t('lastChange', {at: props.updated_at.slice(0, 16).replace('T', ' '), user: props.updated_by})
      : '';
    $('pc-parcel-overdue').hidden = !props.overdue;
    $('pc-parcel-overdue').textContent = props.overdue ? t('overdue') : '';
    $('pc-readonly').hidden = editable;
    $('pc-readonly').textContent = editable ? '' : t('readOnly');
    Array.prototype.forEach.call($('pc-form').elements, function (el) {
      if (el.id !== 'pc-close') { el.disabled = !editable; }
    });
    clearErrors();
    setFormValues(props);
    $('pc-reason').value = '';
  }

  function select(id) {
    var layer = P.layers[id];
    if (!layer) { return; }
    showParcel(layer.feature.properties);
    loadHistory(id);
    $('pc-parcel').scrollIntoView({block: 'nearest'});
    (P.when ? $('pc-close') : $('pc-stage')).focus({preventScroll: true});
  }

  function closePanel() {
    var id = P.selected && P.selected.id;
    P.selected = null;
    $('pc-parcel').hidden = true;
    if (id && P.layers[id]) { restyle(id, P.layers[id].feature.properties); }
  }

  function historyItem(record) {
    var li = document.createElement('li');
    var before = record.before && record.before.stage;
    var after = record.after && record.after.stage;
    var parts = [record.at.slice(0, 16).replace('T', ' '), record.user];
    if (before !== after) {
      parts.push((P.labels[before] || before) + ' → ' + (P.labels[after] || after));
    }
    if (record.reason) { parts.push(record.reason); }
    li.textContent = parts.join(' · ');
    return li;
  }

  function loadHistory(id) {
    var box = $('pc-history');
    var list = $('pc-history-list');
    box.hidden = true;
    fetch(P.config.parcelUrl + encodeURIComponent(id), {
      credentials: 'same-origin', headers: {Accept: 'application/json'}
    }).then(function (r) {
      if (!r.ok) { throw r; }
      return r.json();
    }).then(function (data) {
      if (!P.selected || P.selected.id !== id) { return; }
      list.textContent = '';
      var history = (data.history || []).slice().reverse();
      if (!history.length) {
        var li = document.createElement('li');
        li.textContent = t('noHistory');
        list.appendChild(li);
      }
      history.forEach(function (record) { list.appendChild(historyItem(record)); });
      box.hidden = false;
    }).catch(function () { box.hidden = true; });
  }

  function parse(name, text) {
    if (name === 'stage' || name === 'note') { return text; }
    if (text === '') { return name === 'cleared_ha' ? text : null; }
    return NUMBERS[name] ? Number(text) : text;
  }

  function changes() {
    var out = {};
    FIELDS.forEach(function (name) {
      var text = $('pc-' + name).value;
      if (text !== P.initial[name]) { out[name] = parse(name, text.trim()); }
    });
    return out;
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  function submit(ev) {
    ev.preventDefault();
    if (!P.selected || P.when) { return; }
    clearErrors();
    var id = P.selected.id;
    var body = {version: P.selected.props.version, changes: changes(),
      reason: $('pc-reason').value.trim()};
    if (!Object.keys(body.changes).length) { message(t('unchanged'), 'ok'); return; }
    $('pc-save').disabled = true;
    message(t('saving'), '');
    fetch(P.config.parcelUrl + encodeURIComponent(id), {
      method: 'PATCH', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', Accept: 'application/json',
        'X-CSRFToken': csrfToken()},
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        answered(id, r.status, data);
      });
    }).catch(function () {
      message(t('saveFailed', {status: '—'}), 'bad');
    }).then(function () { $('pc-save').disabled = false; });
  }

  function withOverdue(clearance) {
    var today = new Date().toISOString().slice(0, 10);
    var overdue = !DONE[clearance.stage] && !!clearance.target_date && clearance.target_date < today;
    return Object.assign({}, clearance, {overdue: overdue});
  }

  function answered(id, code, data) {
    if (code === 200 && data.clearance) {
      var props = withOverdue(data.clearance);
      showParcel(props);
      message(data.audit ? t('saved', {v: props.version}) : t('unchanged'), 'ok');
      loadHistory(id);
      loadDates();
    } else if (code === 409 && data.current) {
      showParcel(withOverdue(data.current));
      message(t('stale'), 'bad');
      loadHistory(id);
    } else if ((code === 422 || code === 400) && data.field && $('pc-err-' + data.field)) {
      fieldError(data.field, t('rejected', {detail: data.detail || data.title || ''}));
    } else if (code === 401) {
      message(t('signedOut'), 'bad');
    } else if (code === 403) {
      message(t('forbidden'), 'bad');
    } else {
      message(t('saveFailed', {status: code}) + (data.detail ? ' ' + data.detail : ''), 'bad');
    }
  }

  function fieldError(name, text) {
    var err = $('pc-err-' + name);
    err.textContent = text;
    err.hidden = false;
    var input = $('pc-' + name);
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }

  /* ---- start ---- */
  function start() {
    if (P.started) { return; }
    P.started = true;
    whenText();
    loadDates();
    load();
    P.map.on('moveend', load);
    P.map.on('overlayadd', function (e) { if (e.layer === P.group) { load(); } });
    P.map.on('overlayremove', function (e) {
      if (e.layer === P.group) { status(''); closePanel(); }
    });
    $('pc-when').addEventListener('change', onSlide);
    $('pc-when').addEventListener('input', onSlide);
    $('pc-form').addEventListener('submit', submit);
    $('pc-close').addEventListener('click', closePanel);
  }

  pm.planner = {
    loaded: 0,
    init: function (map, group, config) {
      P = {map: map, group: group, config: config, colors: {}, labels: {}, positions: [null],
        when: null, seq: 0, layers: {}, selected: null, initial: {}};
      config.stages.forEach(function (s) { P.colors[s.id] = s.color; P.labels[s.id] = s.label; });
      if (!map.getPane(config.pane)) { map.createPane(config.pane).style.zIndex = 455; }
      if (pm.map === map) { start(); } else { window.addEventListener('parkmap:ready', start); }
    },
    state: function () {
      return {when: P.when, count: Object.keys(P.layers).length, positions: P.positions.slice(),
        selected: P.selected && P.selected.id};
    }
  };

}());
