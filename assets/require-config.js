// Loaded between require.js and embed-amd.js. The widget bundle finds its icon fonts next
// to the URL of its AMD modules (webpack public path from module.uri); point those modules at
// the folder this script is served from, so fonts resolve on every page, at any depth.
(function () {
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  require.config({ paths: { "@jupyter-widgets": here + "vendor/widgets" } });
})();
