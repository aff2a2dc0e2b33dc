// Crowdmoving: sizes the frames of embedded task lists on your website to their content.
// Optional: without it the frame keeps the height written in its code. Include it once per
// page, after or before the frames:  <script src="https://<platform>/embed.js" defer></script>
// It only listens: a frame reports its height ({type: "crowdmoving:height"}), and the height is
// applied to that very frame, and only if the message comes from the frame's own origin.
(function () {
  "use strict";

  if (window.crowdmovingEmbed) {
    return; // included twice
  }
  window.crowdmovingEmbed = true;
  var MAX_HEIGHT = 20000;

  function originOf(url) {
    try {
      return new URL(url, window.location.href).origin;
    } catch (error) {
      return null;
    }
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "crowdmoving:height" || typeof data.height !== "number") {
      return;
    }
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i += 1) {
      var frame = frames[i];
      if (frame.contentWindow === event.source && originOf(frame.src) === event.origin) {
        var height = Math.max(0, Math.min(MAX_HEIGHT, Math.ceil(data.height)));
        frame.style.height = height + "px";
        frame.setAttribute("data-crowdmoving-height", String(height));
        return;
      }
    }
  });
})();
