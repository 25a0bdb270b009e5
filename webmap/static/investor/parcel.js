/*
 * The parcel and park pages: the print and copy-link buttons, and the page's small
 * Leaflet map drawn by investor/areamap.js from the JSON in #iv-map-data (a
 * parcel: it, its park, its free block, housing within 10 km, 360° views nearby;
 * a park: its outline, its parcels by status, housing, its 360° views).
 */
(function () {
  'use strict';

  function setUpPrint() {
    var button = document.getElementById('iv-print');
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener('click', function () { window.print(); });
  }

  function showCopyBox(button) {
    var box = document.getElementById('iv-copy-box');
    if (!box) { return; }
    box.hidden = false;
    var input = box.querySelector('input');
    input.focus();
    input.select();
  }

  function setUpCopy() {
    var button = document.getElementById('iv-copy-link');
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener('click', function () {
      var url = button.getAttribute('data-url');
      var done = function () {
        var status = document.getElementById('iv-shortlist-status');
        if (status) {
          status.textContent = button.getAttribute('data-msg-done');
          status.hidden = false;
        }
      };
      var failed = function () { showCopyBox(button); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(url).then(done, failed);
      } else {
        failed();
      }
    });
  }

  // The page's small map (investor/areamap.js), drawn from #iv-map-data.
  function setUpMap() {
    var holder = document.getElementById('iv-map');
    var source = document.getElementById('iv-map-data');
    if (!holder || !source || !window.L || !window.parkmapAreaMap) { return; }
    var drawn = window.parkmapAreaMap.draw(holder, JSON.parse(source.textContent));
    window.parkmapParcel = drawn; // {map, parcel, parcels, cameras}
  }

  setUpPrint();
  setUpCopy();
  setUpMap();
}());
