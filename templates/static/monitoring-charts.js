// The monitoring page's charts: each is drawn from the table beside it (its rows, its column
// headings, the figures in data-value), so chart and table cannot disagree and the page works
// without scripts. A suppressed figure has no data-value and is left out of the chart.
(function () {
  "use strict";

  function tableData(table) {
    var wanted = (table.getAttribute("data-series") || "").split(",").filter(Boolean);
    var headings = Array.prototype.slice.call(table.querySelectorAll("thead th[data-column]"));
    var columns = headings.map(function (th) { return th.getAttribute("data-column"); });
    var labels = [];
    var series = wanted.map(function (name) {
      var th = headings[columns.indexOf(name)];
      return { column: columns.indexOf(name), name: th ? th.textContent.trim() : name, data: [] };
    });
    // the total row is in the table, not in the chart (it would dwarf the rows it adds up)
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr:not([data-row='monitoring.total'])"), function (row) {
      var cells = row.querySelectorAll("td");
      labels.push(row.querySelector("th").textContent.trim());
      series.forEach(function (s) {
        var cell = cells[s.column];
        var value = cell ? cell.getAttribute("data-value") : null;
        s.data.push(value === null ? null : Number(value));
      });
    });
    return { labels: labels, series: series };
  }

  function draw(holder, table) {
    var kind = table.getAttribute("data-chart") === "line" ? "line" : "bar";
    var data = tableData(table);
    holder.setAttribute("data-drawn", "true"); // shown from now on: the chart needs its size
    var chart = window.echarts.init(holder, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 36, containLabel: true },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: data.labels.length > 4 ? 30 : 0 } },
      yAxis: { type: "value" },
      series: data.series.map(function (s) {
        return { name: s.name, type: kind, data: s.data, connectNulls: false };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    if (!window.echarts) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart-for]"), function (holder) {
      var table = document.querySelector('table[data-table="' + holder.getAttribute("data-chart-for") + '"]');
      if (table) { draw(holder, table); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
