/* land.js: the investor land search, shared by /land and the map page's panel.
 *
 * parkmapLand.create({form, root, map, config, mode, onParams}) wires a search form
 * to /land/search.json: it validates the numbers, fetches a page of results and
 * draws them twice, as a list and as polygons on a Leaflet map, kept in step (hover
 * a row or a parcel to highlight both, click to zoom). All text goes in through
 * textContent; the server answers data, never HTML.
 */
(function () {
  'use strict';

  var land = window.parkmapLand = window.parkmapLand || {};
  var STYLE = {color: '#1b5e20', weight: 1.5, fillColor: '#2ecc71', fillOpacity: 0.45};
  var HOT = {color: '#000', weight: 3, fillColor: '#ffeb3b', fillOpacity: 0.85};
  var RANGES = [['min_ha', 'max_ha'], ['min_price', 'max_price']];
  var PAGE = ['limit', 'offset'];

  function fmt(template, values) {
    return String(template).replace(/%\((\w+)\)s/g, function (all, key) {
      return values[key] === undefined ? '' : String(values[key]);
    });
  }
  land.fmt = fmt;

  function num(lang, value, digits) {
    if (value === null || value === undefined) { return '–'; }
    return new Intl.NumberFormat(lang, {maximumFractionDigits: digits}).format(value);
  }

  // The form's fields as search parameters: empty ones dropped, several values
  // of one name joined by commas, the page's own language left out.
  land.formParams = function (form) {
    var values = {};
    var names = [];
    new FormData(form).forEach(function (value, key) {
      var text = String(value).trim();
      if (!text || key === 'lang') { return; }
      if (!values[key]) { values[key] = []; names.push(key); }
      values[key].push(text);
    });
    var params = new URLSearchParams();
    names.forEach(function (key) { params.set(key, values[key].join(',')); });
    return params;
  };

  land.queryString = function (pairs) {
    return new URLSearchParams(pairs).toString().replace(/%2C/g, ',');
  };

  // The conditions on the parcel's park (issue 19).
  var PARK_FACT_PARAMS = ['industry', 'min_power_mva', 'min_water_m3_day', 'handover',
    'min_lease_end'];

  land.isLandParam = function (key) {
    return /^(km|min)_/.test(key) || ['status', 'min_ha', 'max_ha', 'park', 'zone', 'min_price',
      'max_price', 'ready', 'min_block_ha', 'sort', 'order', 'limit', 'offset'].indexOf(key) >= 0 ||
      PARK_FACT_PARAMS.indexOf(key) >= 0;
  };

  function labelOf(input) {
    var label = input.closest('label');
    if (!label) { return input.name; }
    return Array.prototype.filter.call(label.childNodes, function (n) {
      return n.nodeType === 3;
    }).map(function (n) { return n.textContent; }).join(' ').trim() || input.name;
  }

  function Search(opts) {
    this.form = opts.form;
    this.root = opts.root;
    this.map = opts.map;
    this.config = opts.config;
    this.texts = opts.config.texts;
    this.onParams = opts.onParams || function () {};
    this.list = this.root.querySelector('#land-list');
    this.mode = this.list.getAttribute('data-mode');
    this.layers = {};
    this.rows = {};
    this.hot = null;
    this.offset = 0;
    this.seq = 0;
    this.params = [];
    this.map.createPane('pm-land').style.zIndex = 610;
    this.group = L.featureGroup([], {pane: 'pm-land'}).addTo(this.map);
    this.wire();
  }

  Search.prototype.el = function (id) { return this.root.querySelector('#' + id); };

  Search.prototype.message = function (text) {
    var box = this.el('land-message');
    box.textContent = text || '';
    box.hidden = !text;
  };

  // Browser-side checks, so a bad number never reaches the server: the same
  // rules as layers/land/query.py, with the page's words.
  Search.prototype.validate = function () {
    var form = this.form;
    var problem = null;
    form.querySelectorAll('input[type=number]').forEach(function (input) {
      var bad = input.validity.badInput || (input.value !== '' && !(Number(input.value) >= 0));
      input.setAttribute('aria-invalid', bad ? 'true' : 'false');
      if (bad && !problem) { problem = {input: input, key: 'invalid'}; }
    });
    RANGES.forEach(function (pair) {
      var lo = form.elements[pair[0]];
      var hi = form.elements[pair[1]];
      if (!problem && lo && hi && lo.value !== '' && hi.value !== '' && Number(lo.value) > Number(hi.value)) {
        lo.setAttribute('aria-invalid', 'true');
        problem = {input: lo, key: 'range'};
      }
    });
    if (problem) {
      this.message(fmt(this.texts[problem.key], {parameter: labelOf(problem.input)}));
      return false;
    }
    return true;
  };

  Search.prototype.run = function (options) {
    options = options || {};
    if (!this.validate()) { return Promise.resolve(null); }
    var params = land.formParams(this.form);
    this.offset = options.offset || 0;
    if (this.offset) { params.set('offset', String(this.offset)); }
    var seq = ++this.seq;
    var self = this;
    this.root.setAttribute('aria-busy', 'true');
    this.el('land-summary').textContent = this.texts.loading;
    return fetch(this.config.searchUrl + '?' + params.toString(), {credentials: 'same-origin'})
      .then(function (r) {
        return r.json().then(function (body) { return {ok: r.ok, body: body}; });
      })
      .then(function (answer) {
        if (seq !== self.seq) { return null; } // a newer search is under way
        self.root.removeAttribute('aria-busy');
        if (!answer.ok) { throw new Error(answer.body.detail || 'error'); }
        self.message('');
        self.render(answer.body, options.fit !== false);
        return answer.body;
      })
      .catch(function (err) {
        if (seq !== self.seq) { return null; }
        self.root.removeAttribute('aria-busy');
        self.el('land-summary').textContent = '';
        self.message(self.texts.failed + (err && err.message ? ' (' + err.message + ')' : ''));
        return null;
      });
  };

  Search.prototype.render = function (doc, fit) {
    var t = this.texts;
    var lang = this.config.lang;
    this.params = doc.params;
    this.el('land-summary').textContent = fmt(t.summary, {
      count: num(lang, doc.numberMatched, 0), ha: num(lang, doc.totalHa, 1)
    });
    var first = this.offset + 1;
    var last = this.offset + doc.features.length;
    this.el('land-showing').textContent = doc.features.length ? fmt(t.showing, {first: first, last: last}) : '';
    this.el('land-none').hidden = doc.numberMatched > 0;
    this.drawList(doc.features);
    this.drawMap(doc.features, fit);
    this.pager(doc, last);
    this.exports(doc);
    this.onParams(doc.params);
  };

  Search.prototype.exports = function (doc) {
    var self = this;
    var wrap = this.el('land-export-csv').parentNode;
    var pairs = doc.params.filter(function (p) { return PAGE.indexOf(p[0]) < 0; });
    pairs.push(['lang', this.config.lang]);
    var qs = land.queryString(pairs);
    ['csv', 'geojson', 'kml'].forEach(function (fmtName) {
      self.el('land-export-' + fmtName).href = self.config.exportUrls[fmtName] + '?' + qs;
    });
    wrap.hidden = false;
    var capped = this.el('land-capped');
    capped.hidden = doc.numberMatched <= this.config.exportMax;
    capped.textContent = fmt(this.texts.capped, {max: num(this.config.lang, this.config.exportMax, 0)});
  };

  Search.prototype.pager = function (doc, last) {
    var prev = this.el('land-prev');
    var next = this.el('land-next');
    var limit = doc.query.limit;
    prev.hidden = this.offset <= 0;
    next.hidden = !(last < doc.numberMatched && limit > 0);
    prev.setAttribute('data-offset', String(Math.max(0, this.offset - limit)));
    next.setAttribute('data-offset', String(last));
  };

  function kmOf(props, fields) {
    var values = fields.map(function (f) { return props[f]; });
    if (values.some(function (v) { return v === null || v === undefined; })) { return null; }
    return Math.min.apply(null, values);
  }

  function cell(row, tag, text, cls) {
    var el = document.createElement(tag);
    el.textContent = text;
    if (cls) { el.className = cls; }
    row.appendChild(el);
    return el;
  }

  Search.prototype.idCell = function (row, tag, id) {
    var el = document.createElement(tag);
    if (this.config.parcelUrl) {
      var a = document.createElement('a');
      a.href = this.config.parcelUrl.replace('__ID__', encodeURIComponent(id));
      a.textContent = id;
      el.appendChild(a);
    } else {
      el.textContent = id;
    }
    row.appendChild(el);
    return el;
  };

  Search.prototype.row = function (feature) {
    var p = feature.properties;
    var lang = this.config.lang;
    var park = this.config.parks[p.park_id] || p.park_id || '';
    var targets = this.config.targets;
    var row;
    if (this.mode === 'table') {
      row = document.createElement('tr');
      this.idCell(row, 'th', String(feature.id)).setAttribute('scope', 'row');
      cell(row, 'td', park);
      cell(row, 'td', this.config.statuses[p.status] || p.status || '');
      cell(row, 'td', num(lang, p.area_ha, 2), 'num');
      cell(row, 'td', num(lang, p.price_usd, 1), 'num');
      cell(row, 'td', num(lang, p.block_ha, 2), 'num');
      targets.forEach(function (t) {
        cell(row, 'td', num(lang, kmOf(p, t.fields), 1), 'num');
        if (t.driveFields.length) { cell(row, 'td', num(lang, kmOf(p, t.driveFields), 0), 'num'); }
      });
    } else {
      row = document.createElement('li');
      cell(row, 'strong', String(feature.id));
      var km = targets.length ? ' · ' + num(lang, kmOf(p, targets[0].fields), 1) + ' ' + this.texts.km : '';
      if (targets.length && targets[0].driveFields.length) {
        km += ' · ' + num(lang, kmOf(p, targets[0].driveFields), 0) + ' ' + this.texts.min;
      }
      row.appendChild(document.createTextNode(
        ' · ' + park + ' · ' + num(lang, p.area_ha, 2) + ' ' + this.texts.ha + km));
    }
    row.setAttribute('data-id', String(feature.id));
    row.tabIndex = 0;
    return row;
  };

  Search.prototype.drawList = function (features) {
    var self = this;
    this.list.textContent = '';
    this.rows = {};
    features.forEach(function (f) {
      var row = self.row(f);
      self.rows[String(f.id)] = row;
      self.list.appendChild(row);
    });
  };

  Search.prototype.drawMap = function (features, fit) {
    var self = this;
    this.group.clearLayers();
    this.layers = {};
    this.hot = null;
    var layer = L.geoJSON({type: 'FeatureCollection', features: features}, {
      pane: 'pm-land',
      style: function () { return STYLE; },
      onEachFeature: function (feature, layer) {
        var id = String(feature.id);
        self.layers[id] = layer;
        layer.on('add', function () {
          var el = layer.getElement && layer.getElement();
          if (el) { el.setAttribute('data-id', id); L.DomUtil.addClass(el, 'land-parcel'); }
        });
        layer.on('mouseover', function () { self.highlight(id, 'map'); });
        layer.on('mouseout', function () { self.highlight(null); });
        layer.on('click', function () { self.select(id); });
      }
    });
    this.group.addLayer(layer);
    if (fit && features.length) {
      this.map.fitBounds(this.group.getBounds(), {maxZoom: 16, padding: [20, 20]});
    }
  };

  // Highlight one parcel in the list and on the map (null: none).
  Search.prototype.highlight = function (id, from) {
    if (this.hot && this.layers[this.hot]) {
      this.layers[this.hot].setStyle(STYLE);
      var oldEl = this.layers[this.hot].getElement();
      if (oldEl) { L.DomUtil.removeClass(oldEl, 'land-hot'); }
      if (this.rows[this.hot]) { this.rows[this.hot].classList.remove('is-hot'); }
    }
    this.hot = id;
    if (!id || !this.layers[id]) { return; }
    var layer = this.layers[id];
    layer.setStyle(HOT);
    layer.bringToFront();
    var el = layer.getElement();
    if (el) { L.DomUtil.addClass(el, 'land-hot'); }
    var row = this.rows[id];
    if (row) {
      row.classList.add('is-hot');
      if (from === 'map' && row.scrollIntoView) { row.scrollIntoView({block: 'nearest'}); }
    }
  };

  Search.prototype.select = function (id) {
    var layer = this.layers[id];
    if (!layer) { return; }
    this.map.fitBounds(layer.getBounds(), {maxZoom: 17, padding: [30, 30]});
    this.highlight(id, 'map');
  };

  function rowId(e) {
    var row = e.target.closest && e.target.closest('[data-id]');
    return row ? row.getAttribute('data-id') : null;
  }

  Search.prototype.wire = function () {
    var self = this;
    var timer = null;
    var runSoon = function () { clearTimeout(timer); timer = setTimeout(function () { self.run(); }, 400); };
    this.form.addEventListener('submit', function (e) { e.preventDefault(); self.run(); });
    this.form.addEventListener('change', function (e) {
      if (e.target.name === 'sort') {
        self.form.elements.order.value = e.target.value === 'area' ? 'desc' : 'asc';
      }
      clearTimeout(timer);
      self.run();
    });
    this.form.addEventListener('input', function (e) { if (e.target.type === 'number') { runSoon(); } });
    this.list.addEventListener('mouseover', function (e) { self.highlight(rowId(e), 'list'); });
    this.list.addEventListener('mouseleave', function () { self.highlight(null); });
    this.list.addEventListener('focusin', function (e) { self.highlight(rowId(e), 'list'); });
    this.list.addEventListener('click', function (e) {
      if (e.target.closest('a')) { return; } // the parcel page link
      var id = rowId(e);
      if (id) { self.select(id); }
    });
    this.list.addEventListener('keydown', function (e) {
      var id = rowId(e);
      if (id && e.key === 'Enter' && !e.target.closest('a')) { self.select(id); }
    });
    ['land-prev', 'land-next'].forEach(function (key) {
      self.el(key).addEventListener('click', function (e) {
        e.preventDefault();
        self.run({offset: Number(e.currentTarget.getAttribute('data-offset')) || 0});
      });
    });
  };

  Search.prototype.mapIds = function () { return Object.keys(this.layers); };

  Search.prototype.clear = function () {
    this.seq++;
    this.group.clearLayers();
    this.layers = {};
    this.hot = null;
  };

  land.create = function (opts) { return new Search(opts); };
}());
