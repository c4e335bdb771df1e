// Chromium leaves the first Chinese text it laid out as empty boxes when the Noto Sans SC
// slices it needs arrive later, even after they have loaded (seen with Chromium 156): the
// shaped text is cached per font description, and a new font-family list does not help. So
// each time fonts finish loading, give the root a new, invisible letter-spacing (never one
// used before, whose cache would hold the boxes again): every text run is shaped anew.
// tests/browser/test_cjk_font.py checks the result.
let scanlabFontLoads = 0;
document.fonts.addEventListener("loadingdone", () => {
  scanlabFontLoads += 1;
  document.documentElement.style.letterSpacing = `${scanlabFontLoads * 0.001}px`;
});
