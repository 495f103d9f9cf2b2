// The SCORM player: scorm-again's run-time API for the package's version, started with what the
// learner's last session left, committing (flattened data model) to the attempt's commit door;
// the SCO plays in the frame and finds the API in this window (window.API / window.API_1484_11).
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("scorm-config").textContent);
  var is2004 = cfg.version === "2004";
  var Api = is2004 ? window.Scorm2004API : window.Scorm12API;
  var api = new Api({
    lmsCommitUrl: cfg.commitUrl,
    dataCommitFormat: "flattened",
    autocommit: true,
    autocommitSeconds: 30,
    terminateCommitParam: "terminate",
    logLevel: 4,
  });
  api.loadFromFlattenedJSON(cfg.data, "");
  if (is2004) {
    window.API_1484_11 = api;
  } else {
    window.API = api;
  }
  function post(query) {
    return fetch(cfg.commitUrl + query, {
      method: "POST", body: "{}", credentials: "same-origin",
      headers: {"Content-Type": "application/json"},
    }).then(function (r) {
      if (!r.ok) { document.getElementById("scorm-error").classList.remove("d-none"); }
    });
  }
  api.on(is2004 ? "Initialize" : "LMSInitialize", function () { post("?initialize=true"); });
  api.on(is2004 ? "Terminate" : "LMSFinish", function () {
    document.getElementById("scorm-saved").classList.remove("d-none");
  });
  document.getElementById("scorm-frame").src = cfg.launchUrl;
})();
