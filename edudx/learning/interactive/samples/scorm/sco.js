// A tiny SCO for SCORM 1.2 and 2004: finds the run-time API in a parent window, initializes,
// reports the learner's place and result, commits and terminates.
(function () {
  "use strict";
  function find(name) {
    var w = window;
    for (var i = 0; i < 10 && w; i += 1) {
      if (w[name]) { return w[name]; }
      if (w === w.parent) { break; }
      w = w.parent;
    }
    return null;
  }
  var say = document.getElementById("status");
  var a4 = find("API_1484_11");
  var a12 = a4 ? null : find("API");
  if (!a4 && !a12) { say.textContent = "Không tìm thấy môi trường SCORM."; return; }
  var api = a4 ? {
    init: function () { return a4.Initialize(""); },
    get: function (k) { return a4.GetValue(k); },
    set: function (k, v) { return a4.SetValue(k, v); },
    commit: function () { return a4.Commit(""); },
    finish: function () { return a4.Terminate(""); }
  } : {
    init: function () { return a12.LMSInitialize(""); },
    get: function (k) { return a12.LMSGetValue(k); },
    set: function (k, v) { return a12.LMSSetValue(k, v); },
    commit: function () { return a12.LMSCommit(""); },
    finish: function () { return a12.LMSFinish(""); }
  };
  var n = a4 ? {
    entry: "cmi.entry", location: "cmi.location", exit: "cmi.exit", time: "cmi.session_time",
    status: "cmi.completion_status", raw: "cmi.score.raw"
  } : {
    entry: "cmi.core.entry", location: "cmi.core.lesson_location", exit: "cmi.core.exit",
    time: "cmi.core.session_time", status: "cmi.core.lesson_status", raw: "cmi.core.score.raw"
  };
  api.init();
  var resumed = api.get(n.entry) === "resume";
  say.textContent = resumed ? "Học tiếp từ lần trước (" + api.get("cmi.suspend_data") + ")." : "Bắt đầu bài học.";
  api.set(n.location, "1");
  function end(text) {
    api.commit();
    api.finish();
    say.textContent = text;
    document.getElementById("done").disabled = true;
    document.getElementById("later").disabled = true;
  }
  document.getElementById("done").addEventListener("click", function () {
    api.set(n.raw, "80");
    api.set(a4 ? "cmi.score.min" : "cmi.core.score.min", "0");
    api.set(a4 ? "cmi.score.max" : "cmi.core.score.max", "100");
    if (a4) {
      api.set("cmi.score.scaled", "0.8");
      api.set("cmi.completion_status", "completed");
      api.set("cmi.success_status", "passed");
      api.set(n.time, "PT1M30S");
      api.set(n.exit, "normal");
    } else {
      api.set(n.status, "passed");
      api.set(n.time, "0000:01:30");
      api.set(n.exit, "");
    }
    api.set("cmi.suspend_data", "trang=2");
    end("Đã hoàn thành. Điểm: 80.");
  });
  document.getElementById("later").addEventListener("click", function () {
    api.set(n.location, "2");
    api.set(n.status, "incomplete");
    api.set("cmi.suspend_data", "trang=2");
    api.set(n.exit, "suspend");
    api.set(n.time, a4 ? "PT45S" : "0000:00:45");
    end("Đã lưu. Lần sau sẽ học tiếp từ trang 2.");
  });
}());
