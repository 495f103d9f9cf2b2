// Small wrappers around ECharts so every module draws charts the same way: numbers in the
// Vietnamese format (1.234,5); a click on a bar or a slice follows data.urls[i] when given.
const edudxVn = new Intl.NumberFormat("vi-VN", {maximumFractionDigits: 1});

function edudxLinks(chart, data) {
  if (!data || !data.urls) return;
  chart.on("click", (p) => { const u = data.urls[p.dataIndex]; if (u) window.location.href = u; });
}

function edudxBarChart(id, data, opts) {
  const el = document.getElementById(id);
  if (!el || !window.echarts) return null;
  const chart = echarts.init(el);
  chart.setOption(Object.assign({
    tooltip: {trigger: "axis", valueFormatter: (v) => edudxVn.format(v)},
    grid: {left: 48, right: 16, top: 16, bottom: 32},
    xAxis: {type: "category", data: data.labels},
    yAxis: {type: "value", minInterval: 1, axisLabel: {formatter: (v) => edudxVn.format(v)}},
    series: [{type: "bar", data: data.values, itemStyle: {color: "#0b4f8a"}, cursor: data.urls ? "pointer" : "default"}],
  }, opts || {}));
  edudxLinks(chart, data);
  window.addEventListener("resize", () => chart.resize());
  return chart;
}

function edudxPieChart(id, data, opts) {
  const el = document.getElementById(id);
  if (!el || !window.echarts) return null;
  const chart = echarts.init(el);
  chart.setOption(Object.assign({
    tooltip: {trigger: "item", formatter: (p) => `${p.name}: ${edudxVn.format(p.value)} (${edudxVn.format(p.percent)} %)`},
    legend: {bottom: 0},
    color: ["#0b4f8a", "#e07a1f", "#3a9d5d", "#8a4fb0"],
    series: [{type: "pie", radius: ["40%", "70%"], data: data.labels.map((l, i) => ({name: l, value: data.values[i]}))}],
  }, opts || {}));
  edudxLinks(chart, data);
  window.addEventListener("resize", () => chart.resize());
  return chart;
}

// Horizontal bars in Vietnamese number format; a click on a bar follows data.urls[i] (drill-down).
function edudxDrillBars(id, data) {
  const el = document.getElementById(id);
  if (!el || !window.echarts || !data || !data.labels) return null;
  const vn = new Intl.NumberFormat("vi-VN", {maximumFractionDigits: 1});
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, valueFormatter: (v) => vn.format(v)},
    grid: {left: 150, right: 40, top: 8, bottom: 24},
    xAxis: {type: "value", max: data.max || null, axisLabel: {formatter: (v) => vn.format(v)}},
    yAxis: {type: "category", inverse: true, data: data.labels, axisLabel: {interval: 0, width: 140, overflow: "truncate"}},
    series: [{type: "bar", data: data.values, itemStyle: {color: "#0b4f8a"}, cursor: "pointer",
              label: {show: true, position: "right", formatter: (p) => vn.format(p.value)}}],
  });
  chart.on("click", (p) => { const u = (data.urls || [])[p.dataIndex]; if (u) window.location.href = u; });
  window.addEventListener("resize", () => chart.resize());
  return chart;
}
