// Small wrappers around ECharts so every module draws charts the same way.
function edudxBarChart(id, data, opts) {
  const el = document.getElementById(id);
  if (!el || !window.echarts) return null;
  const chart = echarts.init(el);
  chart.setOption(Object.assign({
    tooltip: {trigger: "axis"},
    grid: {left: 48, right: 16, top: 16, bottom: 32},
    xAxis: {type: "category", data: data.labels},
    yAxis: {type: "value", minInterval: 1},
    series: [{type: "bar", data: data.values, itemStyle: {color: "#0b4f8a"}}],
  }, opts || {}));
  window.addEventListener("resize", () => chart.resize());
  return chart;
}

function edudxPieChart(id, data, opts) {
  const el = document.getElementById(id);
  if (!el || !window.echarts) return null;
  const chart = echarts.init(el);
  chart.setOption(Object.assign({
    tooltip: {trigger: "item", formatter: "{b}: {c} ({d}%)"},
    legend: {bottom: 0},
    color: ["#0b4f8a", "#e07a1f", "#3a9d5d", "#8a4fb0"],
    series: [{type: "pie", radius: ["40%", "70%"], data: data.labels.map((l, i) => ({name: l, value: data.values[i]}))}],
  }, opts || {}));
  window.addEventListener("resize", () => chart.resize());
  return chart;
}
