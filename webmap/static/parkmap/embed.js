/* embed.js: put the parkmap map into any page.
 *
 *   <div data-parkmap="https://MAP-SITE/embed?lang=en&layers=parks,berths" data-height="480"></div>
 *   <script src="https://MAP-SITE/embed.js" async></script>
 *
 * Inserts an iframe for each [data-parkmap] element (only URLs of the site that
 * served this script), keeps its height (data-height in px, or data-ratio of the
 * width, default 0.75), and relays the map's messages as DOM events on the element:
 * "parkmap:ready" and "parkmap:select" (event.detail = {layer, id, name, url}).
 * Parkmap.send(element, {type: "parkmap:layers", layers: ["parks"]}) or
 * {type: "parkmap:focus", park: "<park id>"} changes the map.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.Parkmap) { return; }
  var mapOrigin = new URL(script.src, location.href).origin;
  var boxes = [];

  function size(box) {
    var frame = box.parkmapFrame;
    var fixed = parseInt(box.getAttribute('data-height'), 10);
    var ratio = parseFloat(box.getAttribute('data-ratio')) || 0.75;
    var height = fixed > 0 ? fixed : Math.round(box.clientWidth * ratio);
    frame.style.height = Math.max(240, Math.min(height, 2000)) + 'px';
  }

  function mount(box) {
    if (box.parkmapFrame) { return box.parkmapFrame; }
    var src;
    try { src = new URL(box.getAttribute('data-parkmap') || '/embed', script.src); } catch (err) { return null; }
    if (src.origin !== mapOrigin || !/\/embed$/.test(src.pathname)) { return null; }
    var frame = document.createElement('iframe');
    frame.src = src.href;
    frame.title = box.getAttribute('data-title') || 'Map';
    frame.setAttribute('allow', 'fullscreen');
    frame.style.cssText = 'display:block;width:100%;border:0;';
    box.appendChild(frame);
    box.parkmapFrame = frame;
    boxes.push(box);
    size(box);
    return frame;
  }

  function mountAll() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-parkmap]'), mount);
  }

  window.addEventListener('message', function (e) {
    var d = e.data;
    if (e.origin !== mapOrigin || !d || d.source !== 'parkmap' || typeof d.type !== 'string') { return; }
    boxes.forEach(function (box) {
      if (box.parkmapFrame.contentWindow !== e.source) { return; }
      if (d.type === 'parkmap:resize' && d.height > 0) {
        box.setAttribute('data-height', String(Math.round(d.height)));
        size(box);
      }
      box.dispatchEvent(new CustomEvent(d.type, {detail: d, bubbles: true}));
    });
  });

  window.addEventListener('resize', function () { boxes.forEach(size); });

  window.Parkmap = {
    origin: mapOrigin,
    mount: mount,
    mountAll: mountAll,
    send: function (box, message) {
      if (box && box.parkmapFrame) { box.parkmapFrame.contentWindow.postMessage(message, mapOrigin); }
    }
  };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', mountAll);
  } else {
    mountAll();
  }
}());
