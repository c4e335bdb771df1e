// Loaded between require.js and embed-amd.js on pages with widgets.
(function () {
  var here = document.currentScript.src.replace(/[^/]*$/, "");
  // 1. Icon fonts. The widget bundle finds its fonts next to the URL of the AMD module
  //    "@jupyter-widgets/html-manager/dist/libembed-amd" (webpack public path from module.uri).
  //    Map that module, and the rest of the package, to the folder the fonts are copied to,
  //    so they resolve on every page, at any depth (no 404s).
  require.config({
    paths: {
      "@jupyter-widgets/html-manager/dist": here + "vendor/widgets",
      "@jupyter-widgets": here + "vendor/widgets",
    },
  });
  // 2. MathJax. The widget library typesets descriptions with the MathJax 2 call
  //    `MathJax.Hub.Queue(...)` whenever `window.MathJax` exists; this site loads MathJax 3,
  //    which has no `Hub`, so every control threw "Cannot read properties of undefined
  //    (reading 'Queue')". Give whatever object `window.MathJax` is (the config object now,
  //    MathJax 3 itself once it loads and replaces it) a tiny `Hub` that uses MathJax 3.
  var hub = {
    Queue: function (job) {
      var mj = window.MathJax, element = job && job[2];
      if (mj && mj.typesetPromise && element) {
        mj.typesetPromise([element]).catch(function () {});
      }
    },
  };
  var withHub = function (mj) {
    if (mj && typeof mj === "object" && !mj.Hub) { mj.Hub = hub; }
    return mj;
  };
  var current = withHub(window.MathJax);
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    enumerable: true,
    get: function () { return current; },
    set: function (value) { current = withHub(value); },
  });
})();
