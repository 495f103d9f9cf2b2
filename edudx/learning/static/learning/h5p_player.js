// The H5P player's frame: h5p-standalone plays the block's package; each xAPI statement the
// content emits is posted to the block's xAPI door (session + CSRF). The server keeps only
// the verb, the block's own object and the result, and sets the actor itself.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("h5p-config").textContent);
  const el = document.getElementById("h5p-container");
  const options = {
    h5pJsonPath: config.h5pJsonPath,
    frameJs: config.frameJs,
    frameCss: config.frameCss,
    xAPIObjectIRI: config.xAPIObjectIRI,
    frame: false,
    copyright: false,
    export: false,
    icon: false,
  };
  new H5PStandalone.H5P(el, options).then(function () {
    document.body.dataset.h5pReady = "1";
    H5P.externalDispatcher.on("xAPI", function (event) {
      fetch(config.xapiUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf },
        body: JSON.stringify(event.data.statement),
      }).then(function (r) {
        document.body.dataset.h5pSent = String(Number(document.body.dataset.h5pSent || 0) + (r.ok ? 1 : 0));
      });
    });
  }).catch(function (e) {
    document.body.dataset.h5pError = String(e);
  });
})();
