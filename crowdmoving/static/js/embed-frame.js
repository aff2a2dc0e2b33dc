// Inside the embed (projects/embed/*.html): tell the website around the frame how tall the
// task list is, so that its optional embed.js can size the frame without a scroll bar. The
// message carries the height only, nothing about the visitor, so it may go to any parent
// ("*"): embed.js checks that it comes from the frame it sized.
(function () {
  "use strict";

  if (window.parent === window) {
    return; // opened directly, not in a frame
  }
  var last = -1;

  function report() {
    var frame = document.getElementById("embed-frame") || document.body;
    var height = Math.ceil(frame.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ type: "crowdmoving:height", height: height }, "*");
    }
  }

  function start() {
    report();
    if (window.ResizeObserver) {
      new ResizeObserver(report).observe(document.getElementById("embed-frame") || document.body);
    }
    window.addEventListener("resize", report);
    window.addEventListener("load", report);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
