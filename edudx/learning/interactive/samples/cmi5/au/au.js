// A tiny cmi5 AU: reads the launch parameters, fetches its LRS token once, reads LMS.LaunchData,
// sends `initialized`, then `completed` and `terminated` when the learner finishes.
(function () {
  "use strict";
  var q = new URLSearchParams(window.location.search);
  var endpoint = (q.get("endpoint") || "").replace(/\/?$/, "/");
  var actor = JSON.parse(q.get("actor") || "{}");
  var registration = q.get("registration");
  var activityId = q.get("activityId");
  var say = document.getElementById("status");
  var button = document.getElementById("done");
  var started = Date.now();
  var headers = null;
  var context = null;
  function uuid() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (Math.random() * 16) >> (c / 4)).toString(16);
    });
  }
  function send(verb, result, moveOn) {
    var ctx = JSON.parse(JSON.stringify(context));
    ctx.registration = registration;
    ctx.contextActivities = ctx.contextActivities || {};
    var cats = [{id: "https://w3id.org/xapi/cmi5/context/categories/cmi5"}];
    if (moveOn) { cats.push({id: "https://w3id.org/xapi/cmi5/context/categories/moveon"}); }
    ctx.contextActivities.category = cats;
    var stmt = {
      id: uuid(), actor: actor, timestamp: new Date().toISOString(), context: ctx,
      verb: {id: "http://adlnet.gov/expapi/verbs/" + verb, display: {"en-US": verb}},
      object: {objectType: "Activity", id: activityId}
    };
    if (result) { stmt.result = result; }
    return fetch(endpoint + "statements", {method: "POST", headers: headers, body: JSON.stringify(stmt)})
      .then(function (r) { if (!r.ok) { throw new Error(verb + " " + r.status); } });
  }
  fetch(q.get("fetch"), {method: "POST"})
    .then(function (r) { return r.json(); })
    .then(function (token) {
      headers = {
        "Authorization": "Basic " + token["auth-token"],
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json"
      };
      var state = new URLSearchParams({
        stateId: "LMS.LaunchData", activityId: activityId, agent: JSON.stringify(actor), registration: registration
      });
      return fetch(endpoint + "activities/state?" + state.toString(), {headers: headers});
    })
    .then(function (r) { return r.json(); })
    .then(function (launch) {
      context = launch.contextTemplate || {};
      return send("initialized");
    })
    .then(function () { say.textContent = "Sẵn sàng. Đọc xong, bấm “Hoàn thành”."; button.disabled = false; })
    .catch(function (e) { say.textContent = "Không kết nối được với hệ thống: " + e.message; });
  button.addEventListener("click", function () {
    button.disabled = true;
    var seconds = Math.max(1, Math.round((Date.now() - started) / 1000));
    send("completed", {completion: true, duration: "PT" + seconds + "S"}, true)
      .then(function () { return send("terminated", {duration: "PT" + seconds + "S"}); })
      .then(function () { say.textContent = "Đã hoàn thành."; })
      .catch(function (e) { say.textContent = "Chưa gửi được kết quả: " + e.message; button.disabled = false; });
  });
}());
