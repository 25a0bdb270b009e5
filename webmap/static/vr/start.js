// The 360° page's first script, small on purpose: the page paints a still of the
// view (the preview <img>) and this starts the WebGL viewer (viewer.js with three.js
// and Photo Sphere Viewer, ~1 MB to parse) only when it is wanted: at once on the
// "View in 360°" button or a tap on the still, by itself once the page is idle
// on a large screen with a mouse. Phones on a mobile network only pay for the
// viewer when they ask for it.
const cfg = JSON.parse(document.getElementById('vr-config').textContent);
const texts = JSON.parse(document.getElementById('vr-texts').textContent);
const poster = document.getElementById('vr-poster');
const button = document.getElementById('vr-start');
const label = document.getElementById('vr-start-label');
const idleLabel = label.textContent;
const AUTOSTART = '(min-width: 1024px) and (hover: hover) and (pointer: fine)';
let starting = null;

function addStylesheet(href) {
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = href;
  const loaded = new Promise((done) => {
    link.addEventListener('load', done, { once: true });
    link.addEventListener('error', done, { once: true });
  });
  document.head.append(link);
  return loaded;
}

function preloadModules() {
  // Fetch every library at once rather than import by import.
  const map = JSON.parse(document.querySelector('script[type="importmap"]').textContent);
  for (const href of [cfg.module, ...Object.values(map.imports)]) {
    const link = document.createElement('link');
    link.rel = 'modulepreload';
    link.href = href;
    document.head.append(link);
  }
}

async function run(focusViewer) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  label.textContent = texts.psv.loading;
  preloadModules();
  // The viewer checks its stylesheets when it starts: add them first.
  await Promise.all(cfg.stylesheets.map(addStylesheet));
  const { shown } = await import(cfg.module);
  await shown;
  poster.hidden = true;
  document.body.dataset.started = 'true';
  if (focusViewer) document.getElementById('vr-viewer').focus({ preventScroll: true });
}

function start({ focusViewer = false } = {}) {
  starting ??= run(focusViewer).catch((error) => {
    if (document.querySelector('#vr-viewer .psv-container')) {
      poster.hidden = true;  // the viewer started and shows its own message (no WebGL)
    } else {
      starting = null;  // the libraries did not load: let the button try again
      button.disabled = false;
      button.removeAttribute('aria-busy');
      label.textContent = `${texts.psv.loadError} ${idleLabel}`;
    }
    throw error;
  });
  return starting;
}

button.hidden = false;
button.addEventListener('click', () => start({ focusViewer: document.activeElement === button }));
poster.addEventListener('click', (event) => {
  if (event.target !== button && !button.contains(event.target)) start();
});

const saveData = navigator.connection?.saveData === true;
if (!saveData && window.matchMedia(AUTOSTART).matches) {
  const whenIdle = () => (window.requestIdleCallback
    ? requestIdleCallback(() => start(), { timeout: 2000 })
    : setTimeout(() => start(), 200));
  if (document.readyState === 'complete') whenIdle();
  else window.addEventListener('load', whenIdle, { once: true });
}
