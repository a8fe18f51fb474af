// Draws every <canvas data-chart> from the JSON block its data-source names (no inline script: CSP).
// Runs on load and after htmx swaps in new content (a running plan's page refreshes its chart).
(function () {
  "use strict";
  var COLOURS = ["#11643a", "#a4161a", "#0b5cad", "#8a5a00"];

  function data(canvas) {
    if (canvas.dataset.points) { return JSON.parse(canvas.dataset.points); }
    var source = document.getElementById(canvas.dataset.source);
    return source ? JSON.parse(source.textContent) : null;
  }

  function bars(canvas, d) {
    var stacked = canvas.dataset.grouped !== "true";
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: d.series.map(function (s, k) {
          return { label: s.name, data: s.values, backgroundColor: COLOURS[k % COLOURS.length] };
        })
      },
      options: {
        animation: false, maintainAspectRatio: false, indexAxis: d.labels.length > 6 ? "y" : "x",
        scales: { x: { stacked: stacked }, y: { stacked: stacked, beginAtZero: true } }
      }
    });
  }

  function course(canvas, d) {
    var points = function (values) {
      return d.seconds.map(function (s, k) { return { x: s, y: values[k] }; });
    };
    return new Chart(canvas, {
      type: "line",
      data: {
        datasets: [
          { label: "Places filled", data: points(d.filled), borderColor: COLOURS[0], pointRadius: 2, stepped: true, yAxisID: "y" },
          { label: "km travelled", data: points(d.km), borderColor: COLOURS[2], pointRadius: 2, stepped: true, yAxisID: "km" },
          { label: "NOK paid", data: points(d.nok), borderColor: COLOURS[1], borderDash: [6, 4], pointRadius: 2, stepped: true, yAxisID: "nok" }
        ]
      },
      options: {
        animation: false, maintainAspectRatio: false, parsing: false,
        scales: {
          x: { type: "linear", title: { display: true, text: "seconds" } },
          y: { position: "left", title: { display: true, text: "places filled" } },
          km: { position: "right", title: { display: true, text: "km" }, grid: { drawOnChartArea: false } },
          nok: { position: "right", title: { display: true, text: "NOK" }, grid: { drawOnChartArea: false } }
        },
        plugins: { tooltip: { callbacks: { afterLabel: function (c) { return "phase: " + d.phases[c.dataIndex]; } } } }
      }
    });
  }

  function timeline(canvas, d) {
    canvas.parentNode.style.height = Math.max(160, d.rows.length * 26 + 90) + "px";
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: d.rows,
        datasets: d.sets.map(function (s, k) {
          return {
            label: s.label, backgroundColor: COLOURS[k % COLOURS.length], grouped: false, borderSkipped: false, barThickness: 14,
            data: s.bars.map(function (b) { return { x: b.span, y: b.row, label: b.label }; })
          };
        })
      },
      options: {
        animation: false, maintainAspectRatio: false, indexAxis: "y",
        scales: {
          x: {
            type: "linear", min: 0, max: 24 * d.days.length,
            ticks: { stepSize: 24, callback: function (v) { return d.days[v / 24] || ""; } }
          }
        },
        plugins: { tooltip: { callbacks: { label: function (c) { return c.raw.label; } } } }
      }
    });
  }

  function draw(root) {
    if (typeof Chart === "undefined") { return; }
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) { return; }
      var d = data(canvas);
      if (!d) { return; }
      canvas.dataset.drawn = "yes";
      var kind = canvas.dataset.chart;
      (kind === "course" ? course : kind === "timeline" ? timeline : bars)(canvas, d);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
