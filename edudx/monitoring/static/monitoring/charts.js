// Monitoring charts (ECharts, served from our origin). Data comes from json_script blocks.
(function () {
  function data(id) { const el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  function init(id) {
    const el = document.getElementById(id);
    if (!el || !window.echarts) return null;
    const c = echarts.init(el);
    window.addEventListener("resize", () => c.resize());
    return c;
  }
  window.mdxStacked = function (id, d, horizontal) {
    const c = init(id); if (!c || !d) return;
    const cat = {type: "category", data: d.labels, axisLabel: {interval: 0, width: 140, overflow: "truncate"}};
    const val = {type: "value", minInterval: 1};
    c.setOption({
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      legend: {top: 0, type: "scroll"},
      grid: {left: horizontal ? 150 : 40, right: 16, top: 40, bottom: 30, containLabel: false},
      xAxis: horizontal ? val : cat, yAxis: horizontal ? cat : val,
      series: d.series.map(s => ({name: s.name, type: "bar", stack: "all", data: s.values, itemStyle: {color: s.color}})),
    });
  };
  window.mdxPie = function (id, d) {
    const c = init(id); if (!c || !d) return;
    c.setOption({
      tooltip: {trigger: "item"}, legend: {bottom: 0, type: "scroll"},
      series: [{type: "pie", radius: ["40%", "70%"], data: d.labels.map((l, i) => ({name: l, value: d.values[i], itemStyle: {color: d.colors[i]}}))}],
    });
  };
  window.mdxHeat = function (id, h) {
    const c = init(id); if (!c || !h) return;
    c.setOption({
      tooltip: {position: "top", formatter: p => `${h.units[p.value[0]]}<br>${h.criteria[p.value[1]]}: ${p.value[2]}%`},
      grid: {left: 60, right: 16, top: 10, bottom: 150},
      xAxis: {type: "category", data: h.units, axisLabel: {rotate: 45, interval: 0, width: 100, overflow: "truncate"}},
      yAxis: {type: "category", data: h.criteria},
      visualMap: {min: 0, max: 100, calculable: true, orient: "horizontal", left: "center", bottom: 0, itemHeight: 120,
                  inRange: {color: ["#d73027", "#fee08b", "#1a9850"]}},
      series: [{type: "heatmap", data: h.cells, label: {show: h.units.length <= 12}}],
    });
  };
  window.mdxLines = function (id, d, key, unit) {
    const c = init(id); if (!c || !d) return;
    c.setOption({
      tooltip: {trigger: "axis"}, legend: {top: 0},
      grid: {left: 40, right: 16, top: 40, bottom: 30},
      xAxis: {type: "category", data: d.years}, yAxis: {type: "value", max: 100, name: unit || ""},
      series: Object.entries(d.series).map(([g, s]) => ({name: g, type: "line", data: key ? s[key] : s, label: {show: true}})),
    });
  };
  // Horizontal bars in Vietnamese number format; a click on a bar opens d.urls[i] (drill down).
  const vn = new Intl.NumberFormat("vi-VN", {maximumFractionDigits: 2});
  window.mdxBars = function (id, d) {
    const c = init(id); if (!c || !d) return;
    c.setOption({
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, valueFormatter: v => vn.format(v)},
      grid: {left: 160, right: 40, top: 10, bottom: 30},
      xAxis: {type: "value", axisLabel: {formatter: v => vn.format(v)}, max: d.max || null},
      yAxis: {type: "category", inverse: true, data: d.labels, axisLabel: {interval: 0, width: 150, overflow: "truncate"}},
      series: [{type: "bar", data: d.values, itemStyle: {color: "#0b4f8a"}, cursor: d.urls ? "pointer" : "default",
                label: {show: true, position: "right", formatter: p => vn.format(p.value)}}],
    });
    if (d.urls) c.on("click", p => { const u = d.urls[p.dataIndex]; if (u) window.location.href = u; });
  };
  window.mdxData = data;
})();
