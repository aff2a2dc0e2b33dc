// The look page (tenancy/look.html): colour pickers next to the #rrggbb text fields, kept in
// step with them, and a live preview. The server decides (tenancy/colours.py); this only shows.
// The preview's colours are set through the CSSOM (element.style.setProperty), which the
// Content-Security-Policy allows, unlike style="" attributes.
(function () {
  "use strict";
  var WHITE = "#ffffff", DARK_INK = "#1d2421";
  var LIGHT_TRACK = "#e3e7e5", DARK_TRACK = "#56605b";

  function normalise(value) {
    var text = (value || "").trim().toLowerCase();
    if (text.charAt(0) !== "#") { text = "#" + text; }
    if (/^#[0-9a-f]{3}$/.test(text)) {
      text = "#" + text[1] + text[1] + text[2] + text[2] + text[3] + text[3];
    }
    return /^#[0-9a-f]{6}$/.test(text) ? text : null;
  }
  function channel(hex) {
    var c = parseInt(hex, 16) / 255;
    return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }
  function luminance(colour) {
    return 0.2126 * channel(colour.slice(1, 3)) + 0.7152 * channel(colour.slice(3, 5)) +
      0.0722 * channel(colour.slice(5, 7));
  }
  function contrast(a, b) {
    var x = luminance(a), y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }
  function inkFor(primary) {
    return contrast(primary, WHITE) >= contrast(primary, DARK_INK) ? WHITE : DARK_INK;
  }
  function trackFor(accent) {
    if (contrast(accent, LIGHT_TRACK) >= 3) { return LIGHT_TRACK; }
    return contrast(accent, LIGHT_TRACK) >= contrast(accent, DARK_TRACK) ? LIGHT_TRACK : DARK_TRACK;
  }

  function start() {
    var preview = document.querySelector("[data-look-preview]");
    var primaryText = document.getElementById("id_primary_colour");
    var accentText = document.getElementById("id_accent_colour");

    function paint() {
      if (!preview || !primaryText || !accentText) { return; }
      var primary = normalise(primaryText.value), accent = normalise(accentText.value);
      if (primary) {
        preview.style.setProperty("--primary", primary);
        preview.style.setProperty("--primary-ink", inkFor(primary));
      }
      if (accent) {
        preview.style.setProperty("--accent", accent);
        preview.style.setProperty("--accent-track", trackFor(accent));
      }
    }

    document.querySelectorAll(".colour-picker[data-colour-for]").forEach(function (picker) {
      var text = document.getElementById(picker.getAttribute("data-colour-for"));
      if (!text) { return; }
      var current = normalise(text.value);
      if (current) { picker.value = current; }
      picker.hidden = false;
      picker.addEventListener("input", function () {
        text.value = picker.value;
        paint();
      });
      text.addEventListener("input", function () {
        var colour = normalise(text.value);
        if (colour) { picker.value = colour; }
        paint();
      });
    });
    if (preview) {
      preview.hidden = false;
      paint();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
