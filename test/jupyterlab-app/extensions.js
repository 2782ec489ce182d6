/**
 * The JupyterLab packages the test app is made of: the core extensions a notebook user meets
 * and the ones their plugins require (the debugger needs the console and file editor, the
 * notebook's search and table of contents theirs): one list, read by build.js for the plugins,
 * their styles, schemas and the theme, as JupyterLab's example apps list them.
 */
module.exports = {
  extensions: [
    "@jupyterlab/application-extension",
    "@jupyterlab/apputils-extension",
    "@jupyterlab/codemirror-extension",
    "@jupyterlab/completer-extension",
    "@jupyterlab/console-extension",
    "@jupyterlab/debugger-extension",
    "@jupyterlab/docmanager-extension",
    "@jupyterlab/documentsearch-extension",
    "@jupyterlab/fileeditor-extension",
    "@jupyterlab/filebrowser-extension",
    "@jupyterlab/launcher-extension",
    "@jupyterlab/mainmenu-extension",
    "@jupyterlab/markedparser-extension",
    "@jupyterlab/metadataform-extension",
    "@jupyterlab/notebook-extension",
    "@jupyterlab/rendermime-extension",
    "@jupyterlab/running-extension",
    "@jupyterlab/shortcuts-extension",
    "@jupyterlab/statusbar-extension",
    "@jupyterlab/theme-light-extension",
    "@jupyterlab/toc-extension",
    "@jupyterlab/tooltip-extension",
    "@jupyterlab/translation-extension",
    "@jupyterlab/ui-components-extension",
  ],
  mimeExtensions: ["@jupyterlab/javascript-extension", "@jupyterlab/json-extension"],
  theme: "@jupyterlab/theme-light-extension",
};
