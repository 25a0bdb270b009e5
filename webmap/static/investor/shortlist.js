/*
 * The shortlist: parcel ids kept in this browser (localStorage), at most as many
 * as the compare page shows (data-shortlist-max on <body>).
 *
 * - every [data-shortlist-toggle=<id>] button adds or removes that parcel;
 * - the header's shortlist link shows the count and opens /compare?ids=<the ids>;
 * - on the compare page, #iv-compare-shortlist offers the shortlist when the page
 *   shows other parcels.
 * Other tabs follow through the 'storage' event. Texts come from data-msg-* on
 * <body>, already translated; ids are only ever written as text.
 */
(function () {
  'use strict';
  var KEY = 'parkmap.shortlist';
  var body = document.body;
  var max = parseInt(body.getAttribute('data-shortlist-max'), 10) || 4;

  function read() {
    var raw;
    try {
      raw = window.localStorage.getItem(KEY);
    } catch (e) {
      return null; // storage switched off
    }
    var ids = [];
    try {
      ids = JSON.parse(raw || '[]');
    } catch (e) {
      ids = [];
    }
    if (!Array.isArray(ids)) { ids = []; }
    return ids.filter(function (id, i) {
      return typeof id === 'string' && id && ids.indexOf(id) === i;
    }).slice(0, max);
  }

  function write(ids) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(ids));
      return true;
    } catch (e) {
      return false;
    }
  }

  function compareUrl(ids) {
    var url = new URL(body.getAttribute('data-compare-url'), window.location.href);
    if (ids.length) { url.searchParams.set('ids', ids.join(',')); }
    return url.pathname + url.search;
  }

  function say(text) {
    var el = document.getElementById('iv-shortlist-status');
    if (!el) { return; }
    el.textContent = text || '';
    el.hidden = !text;
  }

  function renderCompareOffer(ids) {
    var offer = document.getElementById('iv-compare-shortlist');
    if (!offer) { return; }
    var shown = new URL(window.location.href).searchParams.get('ids') || '';
    offer.hidden = !ids.length || shown === ids.join(',');
    offer.querySelector('a').setAttribute('href', compareUrl(ids));
  }

  function render() {
    var stored = read();
    var ids = stored || [];
    var count = document.getElementById('iv-shortlist-count');
    var link = document.getElementById('iv-shortlist-link');
    if (count) { count.textContent = String(ids.length); }
    if (link) { link.setAttribute('href', compareUrl(ids)); }
    var buttons = document.querySelectorAll('[data-shortlist-toggle]');
    Array.prototype.forEach.call(buttons, function (button) {
      var listed = ids.indexOf(button.getAttribute('data-shortlist-toggle')) >= 0;
      button.hidden = stored === null;
      button.setAttribute('aria-pressed', listed ? 'true' : 'false');
      button.textContent = body.getAttribute(listed ? 'data-msg-remove' : 'data-msg-add');
    });
    renderCompareOffer(ids);
  }

  function toggle(id) {
    var ids = read();
    if (ids === null) {
      say(body.getAttribute('data-msg-unavailable'));
      return;
    }
    var at = ids.indexOf(id);
    if (at >= 0) {
      ids.splice(at, 1);
    } else if (ids.length >= max) {
      say(body.getAttribute('data-msg-full'));
      return;
    } else {
      ids.push(id);
    }
    if (!write(ids)) {
      say(body.getAttribute('data-msg-unavailable'));
      return;
    }
    say('');
    render();
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest('[data-shortlist-toggle]');
    if (button) { toggle(button.getAttribute('data-shortlist-toggle')); }
  });
  window.addEventListener('storage', function (event) {
    if (event.key === KEY || event.key === null) { render(); }
  });
  render();
  window.parkmapShortlist = { read: read, key: KEY };
}());
