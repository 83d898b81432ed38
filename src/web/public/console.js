// Trợ lý Xã console: confirmations, dashboard charts, re-index progress. No inline script (strict CSP).
(function () {
  'use strict';

  // Forms that ask before they submit (delete, retire…).
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // File fields: show the chosen file's name beside the Vietnamese "Chọn tệp…" button.
  Array.prototype.forEach.call(document.querySelectorAll('.file-picker'), function (picker) {
    var input = picker.querySelector('input[type=file]');
    var name = picker.querySelector('.file-name');
    if (!input || !name) return;
    var show = function () {
      var file = input.files && input.files[0];
      name.textContent = file ? file.name : '';
      picker.classList.toggle('has-file', Boolean(file));
    };
    input.addEventListener('change', show);
    show();
  });

  // ── dashboard charts (Chart.js served from /static/vendor) ──────────────────────────────────────────
  var dataEl = document.getElementById('dashboard-data');
  if (dataEl && window.Chart) {
    var data = JSON.parse(dataEl.textContent || '{}');
    var palette = ['#0b5cad', '#1f9d55', '#e0a100', '#c0392b', '#7d3cb5', '#16a0a8', '#8a6d3b'];
    var Chart = window.Chart;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.maintainAspectRatio = false;
    var el = function (id) { return document.getElementById(id); };
    if (el('chart-days')) {
      new Chart(el('chart-days'), {
        type: 'bar',
        data: {
          labels: data.days,
          datasets: data.channels.map(function (c, i) {
            return { label: c.label, data: c.counts, backgroundColor: palette[i % palette.length], maxBarThickness: 40 };
          }),
        },
        options: {
          animation: false,
          scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
          plugins: { legend: { position: 'bottom' } },
        },
      });
    }
    if (el('chart-stages')) {
      new Chart(el('chart-stages'), {
        type: 'doughnut',
        data: {
          labels: data.stages.map(function (s) { return s.label; }),
          datasets: [{ data: data.stages.map(function (s) { return s.n; }), backgroundColor: ['#1f9d55', '#0b5cad', '#e0a100'] }],
        },
        options: { animation: false, plugins: { legend: { position: 'bottom' } } },
      });
    }
    var ranked = function (id, rows, color) {
      if (!el(id)) return;
      new Chart(el(id), {
        type: 'bar',
        data: {
          labels: rows.map(function (r) { return r.label; }),
          datasets: [{ label: 'Số câu hỏi', data: rows.map(function (r) { return r.n; }), backgroundColor: color, maxBarThickness: 28 }],
        },
        options: { animation: false, indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { display: false } } },
      });
    };
    ranked('chart-topics', data.topics, '#0b5cad');
    ranked('chart-communes', data.communes, '#16a0a8');
  }

  // ── re-index progress ──────────────────────────────────────────────────────────────────────────────
  var box = document.getElementById('reindex');
  if (box) {
    var bar = box.querySelector('progress');
    var text = box.querySelector('.status-text');
    var url = box.dataset.progressUrl;
    var timer = null;
    var show = function (p) {
      bar.max = Math.max(p.total, 1);
      bar.value = p.state === 'done' ? bar.max : p.done;
      if (p.state === 'running' && p.phase === 'index') bar.removeAttribute('value');
      text.textContent = p.text;
      box.dataset.state = p.state;
      if (p.startedAt) box.dataset.started = p.startedAt;
    };
    var poll = function () {
      fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { return r.json(); })
        .then(function (p) {
          show(p);
          timer = p.state === 'running' ? setTimeout(poll, 500) : null;
        })
        .catch(function () { timer = setTimeout(poll, 2000); });
    };
    poll();
    var form = document.querySelector('form[data-reindex]');
    if (form) {
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        var token = form.querySelector('input[name=_csrf]').value;
        fetch(form.action, { method: 'POST', headers: { Accept: 'application/json', 'X-CSRF-Token': token }, credentials: 'same-origin' })
          .then(function (r) { return r.json(); })
          .then(function (r) {
            if (r.progress) show(Object.assign({ text: 'Đang lập chỉ mục…' }, r.progress));
            if (!timer) poll();
          });
      });
    }
  }
})();
