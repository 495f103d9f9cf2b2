// Small wrappers around ECharts so every module draws charts the same way.
function edudxBarChart(id, data, opts) {
  const el = document.getElementById(id);
  if (!el || !window.echarts) return null;
  const chart = echarts.init(el);
  chart.setOption(Object.assign({
    tooltip: {trigger: "axis"},
    grid: {left: 48, right: 16, top: 16, bottom: 32},
    xAxis: {type: "category", data: data.labels},
    yAxis: {type: "value"},
    series: [{type: "bar", data: data.values, itemStyle: {color: "#0b4f8a"}}],
  }, opts || {}));
  window.addEventListener("resize", () => chart.resize());
  return chart;
}
