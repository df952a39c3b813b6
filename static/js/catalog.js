// Inventory and catalog pages: the fleet chart (data from a json_script tag) and "select all" boxes.
(function () {
  "use strict";

  const COLOURS = { on_standard: "#1a7f37", upgrade: "#d4a72c", current: "#0b5cad", unknown: "#afb8c1" };

  function drawFleetChart() {
    const canvas = document.getElementById("fleet-chart");
    const source = document.getElementById("fleet-chart-data");
    if (!canvas || !source || typeof window.Chart === "undefined") {
      return;
    }
    const data = JSON.parse(source.textContent);
    // On a phone, bars lie down: the OS families read as row labels instead of slanted ticks, and the chart grows
    // with their number instead of shrinking to a strip.
    const narrow = window.matchMedia("(max-width: 47.99rem)").matches;
    const options = {
      responsive: true,
      animation: false,
      indexAxis: narrow ? "y" : "x",
      plugins: { legend: { position: "bottom", labels: { boxWidth: narrow ? 12 : 40 } } },
      scales: {
        x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
      },
    };
    if (narrow) {
      const box = window.getComputedStyle(canvas.parentElement);
      const width = canvas.parentElement.clientWidth - parseFloat(box.paddingLeft) - parseFloat(box.paddingRight);
      options.aspectRatio = width / Math.max(280, data.labels.length * 44 + 110);
    }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.datasets.map((set) => ({
          label: set.label,
          data: set.data,
          backgroundColor: COLOURS[set.key] || "#888",
        })),
      },
      options,
    });
  }

  function selectAll(event) {
    const box = event.target.closest(".select-all");
    if (!box) {
      return;
    }
    const form = box.closest("form");
    form.querySelectorAll(`input[type=checkbox][name="${box.dataset.target}"]`).forEach((item) => {
      item.checked = box.checked;
    });
  }

  document.addEventListener("change", selectAll);
  document.addEventListener("DOMContentLoaded", drawFleetChart);
})();
