/**
 * The test's JupyterLab: `@jupyterlab/application` with the core extensions listed in
 * extensions.js, started once the page (templates/index.html, filled in by jupyterlab_server
 * with the page config: base URL, token, settings and themes URLs) has loaded.
 */
import { JupyterLab } from "@jupyterlab/application";
import "lazylab:styles";
import { extensions, mimeExtensions } from "lazylab:plugins";

/** A package's default export as a list of plugins (some export one plugin, some an array). */
function pluginsOf(mod) {
  const exported = mod && Object.prototype.hasOwnProperty.call(mod, "default") ? mod.default : mod;
  return Array.isArray(exported) ? exported : [exported];
}

window.addEventListener("load", async () => {
  // The language-server plugins need jupyter-lsp's server extension, which this server lacks;
  // the news announcements would ask the network and cover the page with a question.
  const skipped = (id) => id.includes(":language-server") || id === "@jupyterlab/apputils-extension:announcements";
  const wanted = (plugins) => plugins.filter(({ id }) => !skipped(id));
  const lab = new JupyterLab({ mimeExtensions: mimeExtensions.flatMap(pluginsOf) });
  lab.registerPlugins(wanted(extensions.flatMap(pluginsOf)));
  await lab.start();
  await lab.restored;
  // The test waits for this: the shell is laid out and the restored widgets are open.
  document.body.dataset.lazylabLabReady = "true";
});
