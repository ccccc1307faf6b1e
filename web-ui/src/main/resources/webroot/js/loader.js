// Loads the WebJars' UMD builds once per tab, only when a view needs them.
const loaded = new Map();

export function script(src) {
  if (!loaded.has(src)) {
    loaded.set(src, new Promise((resolve, reject) => {
      const el = document.createElement('script');
      el.src = src;
      el.onload = () => resolve();
      el.onerror = () => { loaded.delete(src); reject(new Error('could not load ' + src)); };
      document.head.append(el);
    }));
  }
  return loaded.get(src);
}

export function css(href) {
  if (!loaded.has(href)) {
    const el = document.createElement('link');
    el.rel = 'stylesheet';
    el.href = href;
    document.head.append(el);
    loaded.set(href, Promise.resolve());
  }
  return loaded.get(href);
}

export const CYTOSCAPE = '/ui/webjars/cytoscape/3.33.1/dist/cytoscape.min.js';
export const UPLOT = '/ui/webjars/uplot/1.6.30/dist/uPlot.iife.min.js';
export const UPLOT_CSS = '/ui/webjars/uplot/1.6.30/dist/uPlot.min.css';
