(function () {
  'use strict';
  var $ = function (s) { return document.querySelector(s); };
  var library = [], catalogue = [], scenario = null, job = null, poll = null, checkTimer = null, updates = 0;
  var FUNDERS = [['nhs', 'NHS'], ['council', 'Council'], ['public_health', 'Public health'], ['pooled', 'Pooled budget']];

  function api(path, options) {
    return fetch(path, options).then(function (r) {
      return r.json().then(function (b) { return { status: r.status, body: b }; },
                           function () { return { status: r.status, body: { error: 'the server sent no answer' } }; });
    });
  }
  function post(path, body) {
    return api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  }
  function money(x) {
    if (x === null || x === undefined || isNaN(x)) return '–';
    var a = Math.abs(x), s = x < 0 ? '−£' : '£';
    if (a >= 1e9) return s + (a / 1e9).toFixed(2) + 'bn';
    if (a >= 1e6) return s + (a / 1e6).toFixed(1) + 'm';
    if (a >= 1e3) return s + Math.round(a / 1e3) + 'k';
    return s + Math.round(a);
  }
  function fy(year) { return 'FY' + year + '/' + String((year + 1) % 100).padStart(2, '0'); }
  function text(tag, content, cls) { var e = document.createElement(tag); e.textContent = content; if (cls) e.className = cls; return e; }

  // ---- The form: the scenario's fields, each input named by its JSON path ----
  function optionList(select, items, selected) {
    select.innerHTML = '';
    items.forEach(function (it) {
      var o = document.createElement('option');
      o.value = it[0]; o.textContent = it[1];
      if (it[0] === selected) o.selected = true;
      select.appendChild(o);
    });
  }
  function rangeText(a) { return Array.isArray(a) && a.length === 2 ? a[0] + '-' + a[1] : ''; }
  function listText(a) { return Array.isArray(a) ? a.join(',') : ''; }

  function renderForm() {
    $('#title').value = scenario.title || '';
    $('#years').value = scenario.years || 5;
    var body = $('#interventions tbody');
    body.innerHTML = '';
    (scenario.interventions || []).forEach(function (iv, k) {
      var tr = document.createElement('tr');
      var p = '/interventions/' + k;
      var name = document.createElement('td');
      name.appendChild(text('strong', iv.name || iv.type));
      name.appendChild(text('div', iv.type, 'meta'));
      name.appendChild(text('p', '', 'field-error')).setAttribute('data-error-for', p);
      tr.appendChild(name);
      var budget = document.createElement('td');
      if (typeof iv.budget === 'object' && iv.budget !== null) {
        budget.appendChild(text('span', 'set by year in the file', 'meta'));
      } else {
        var b = document.createElement('input');
        b.type = 'number'; b.step = '1000'; b.value = iv.budget === undefined ? '' : iv.budget;
        b.setAttribute('data-path', p + '/budget'); b.setAttribute('data-field', 'budget'); b.setAttribute('data-k', k);
        budget.appendChild(b);
      }
      budget.appendChild(text('p', '', 'field-error')).setAttribute('data-error-for', p + '/budget');
      tr.appendChild(budget);
      var payer = document.createElement('td');
      var ps = document.createElement('select');
      optionList(ps, FUNDERS, iv.payer || '');
      if (!iv.payer) { var o = document.createElement('option'); o.value = ''; o.textContent = 'its usual funder'; o.selected = true; ps.insertBefore(o, ps.firstChild); }
      ps.setAttribute('data-path', p + '/payer'); ps.setAttribute('data-field', 'payer'); ps.setAttribute('data-k', k);
      payer.appendChild(ps);
      payer.appendChild(text('p', '', 'field-error')).setAttribute('data-error-for', p + '/payer');
      tr.appendChild(payer);
      [['start', iv.start || '', p + '/start'],
       ['ages', rangeText(iv.targeting && iv.targeting.ages), p + '/targeting/ages'],
       ['imd_deciles', listText(iv.targeting && iv.targeting.imd_deciles), p + '/targeting/imd_deciles']].forEach(function (f) {
        var td = document.createElement('td');
        var inp = document.createElement('input');
        inp.type = 'text'; inp.value = f[1];
        inp.placeholder = f[0] === 'ages' ? 'e.g. 65-120' : f[0] === 'imd_deciles' ? 'e.g. 1,2' : 'YYYY-MM';
        inp.setAttribute('data-path', f[2]); inp.setAttribute('data-field', f[0]); inp.setAttribute('data-k', k);
        td.appendChild(inp);
        td.appendChild(text('p', '', 'field-error')).setAttribute('data-error-for', f[2]);
        tr.appendChild(td);
      });
      var rm = document.createElement('td');
      var btn = text('button', 'Remove');
      btn.type = 'button';
      btn.addEventListener('click', function () { scenario.interventions.splice(k, 1); renderForm(); scheduleCheck(); });
      rm.appendChild(btn);
      tr.appendChild(rm);
      body.appendChild(tr);
    });
  }

  // What a typed value becomes: a number or list where it reads as one, else the text as typed
  // (so that the server's check names the field and says what it expected).
  function parsed(field, raw) {
    var v = raw.trim();
    if (field === 'budget') return v === '' ? undefined : (isNaN(Number(v)) ? v : Number(v));
    if (field === 'ages') {
      if (v === '') return undefined;
      var m = v.match(/^(\d+)\s*[-–]\s*(\d+)$/);
      return m ? [Number(m[1]), Number(m[2])] : v;
    }
    if (field === 'imd_deciles') {
      if (v === '') return undefined;
      var parts = v.split(/[,\s]+/).filter(Boolean);
      return parts.every(function (x) { return /^\d+$/.test(x); }) ? parts.map(Number) : v;
    }
    return v === '' ? undefined : v;
  }
  function readForm() {
    var t = $('#title').value.trim();
    if (t) scenario.title = t; else delete scenario.title;
    var y = $('#years').value.trim();
    scenario.years = y === '' ? undefined : (isNaN(Number(y)) ? y : Number(y));
    document.querySelectorAll('#interventions [data-field]').forEach(function (inp) {
      var iv = scenario.interventions[Number(inp.getAttribute('data-k'))];
      var f = inp.getAttribute('data-field'), v = parsed(f, inp.value);
      if (f === 'ages' || f === 'imd_deciles') {
        iv.targeting = iv.targeting || {};
        if (v === undefined) delete iv.targeting[f]; else iv.targeting[f] = v;
        if (Object.keys(iv.targeting).length === 0) delete iv.targeting;
      } else if (v === undefined) {
        delete iv[f];
      } else {
        iv[f] = v;
      }
    });
    return scenario;
  }

  function showProblems(problems) {
    document.querySelectorAll('[data-error-for]').forEach(function (e) { e.textContent = ''; });
    document.querySelectorAll('.bad').forEach(function (e) { e.classList.remove('bad'); });
    var unplaced = [];
    (problems || []).forEach(function (p) {
      // The message goes next to the field it names, or the nearest one above it.
      var path = p.path || '', target = null;
      while (path !== '' && !target) {
        target = document.querySelector('[data-error-for="' + CSS.escape(path) + '"]');
        if (!target) path = path.substring(0, path.lastIndexOf('/'));
      }
      var input = document.querySelector('[data-path="' + CSS.escape(p.path || '') + '"]');
      if (input) input.classList.add('bad');
      if (target) target.textContent = (target.textContent ? target.textContent + ' ' : '') + p.message;
      else unplaced.push((p.path ? p.path + ': ' : '') + p.message);
    });
    $('#problems').textContent = unplaced.join('\n');
    var ok = !problems || problems.length === 0;
    $('#quick').disabled = !ok || !!job;
    $('#full').disabled = !ok || !!job;
  }
  function scheduleCheck() {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(function () {
      post('/api/check', readForm()).then(function (r) { showProblems(r.body.problems); });
    }, 250);
  }

  // ---- Runs ----
  function start(kind) {
    var request = { scenario: readForm(), kind: kind };
    if (kind === 'full') {
      request.replicates = Number($('#replicates').value);
      request.scale = Number($('#scale').value);
    }
    post('/api/runs', request).then(function (r) {
      if (r.status !== 202) {
        showProblems(r.body.problems || [{ path: '', message: r.body.error || 'the server refused the run' }]);
        return;
      }
      job = r.body;
      $('#cancel').disabled = false;
      $('#quick').disabled = true;
      $('#full').disabled = true;
      follow(job.id);
    });
  }
  // Follows one run; an answer about any other (a poll still in flight when its run ended) is dropped.
  function follow(id) {
    clearTimeout(poll);
    poll = null;
    api('/api/runs/' + id).then(function (r) {
      var j = r.body;
      if (!job || job.id !== id) return;
      var pct = Math.round(100 * (j.progress || 0));
      $('#bar').style.width = pct + '%';
      $('#bar').setAttribute('aria-valuenow', String(pct));
      $('#status').textContent = (j.kind === 'quick' ? 'Quick look' : 'Full comparison, ' + j.replicates + ' replicates at scale ' + j.scale) +
        ': ' + j.state + (j.state === 'running' ? ' (' + pct + '%)' : '') + (j.error ? ': ' + j.error : '');
      document.body.setAttribute('data-run-state', j.state);
      if (j.state === 'queued' || j.state === 'running') { poll = setTimeout(function () { follow(id); }, 300); return; }
      clearTimeout(poll);
      poll = null;
      $('#cancel').disabled = true;
      job = null;
      showProblems([]);
      if (j.state === 'done' && j.figures) answer(j);
    });
  }
  function cancel() {
    if (!job) return;
    var id = job.id;
    post('/api/runs/' + id + '/cancel', {}).then(function () { if (job && job.id === id) follow(id); });
  }

  // ---- The answer ----
  function tile(head, value, detail) {
    var d = document.createElement('div');
    d.className = 'tile';
    d.appendChild(text('p', head, 'head'));
    d.appendChild(text('p', value, 'value'));
    d.appendChild(text('p', detail, 'detail'));
    return d;
  }
  function interval(s, f) { return s && s.p05 !== undefined ? '90% interval ' + f(s.p05) + ' to ' + f(s.p95) : ''; }
  function payback(a) {
    if (a.break_even && a.break_even.median !== undefined) return fy(Math.round(a.break_even.median));
    return 'not within the horizon';
  }
  function answer(j) {
    var a = j.figures.arms[0];
    var box = $('#figures');
    box.innerHTML = '';
    var ratio = function (x) { return '£' + Number(x).toFixed(2); };
    box.appendChild(tile('Invest', money(a.invest && a.invest.mean), interval(a.invest, money) || 'present value'));
    box.appendChild(tile('NPV', money(a.npv && a.npv.mean), interval(a.npv, money) || 'public savings minus investment'));
    box.appendChild(tile('Return per £1', a.roi ? ratio(a.roi.mean) : '–', interval(a.roi, ratio) || 'present values'));
    box.appendChild(tile('Pays back', payback(a), a.break_even_within ? Math.round(100 * a.break_even_within.mean) + '% of replicates within the horizon' : ''));
    box.appendChild(tile('QALYs gained', a.qalys ? a.qalys.mean.toFixed(1) : '–', interval(a.qalys, function (x) { return x.toFixed(1); }) || 'discounted'));
    drawChart(a.cumulative);
    var links = $('#downloads');
    links.innerHTML = '';
    links.appendChild(download(j.figures.comparison_id, 'report', 'Download the board paper'));
    links.appendChild(document.createTextNode(' · '));
    links.appendChild(download(j.figures.comparison_id, 'workbook', 'Download the workbook'));
    var tr = document.createElement('tr');
    tr.appendChild(text('td', a.title));
    tr.appendChild(text('td', j.kind === 'quick' ? 'quick look' : j.replicates + ' replicates, scale ' + j.scale));
    [money(a.invest && a.invest.mean), money(a.npv && a.npv.mean), a.roi ? ratio(a.roi.mean) : '–'].forEach(function (v) { tr.appendChild(text('td', v, 'num')); });
    tr.appendChild(text('td', payback(a)));
    tr.appendChild(text('td', a.qalys ? a.qalys.mean.toFixed(1) : '–', 'num'));
    var dl = document.createElement('td');
    dl.appendChild(download(j.figures.comparison_id, 'report', 'paper'));
    dl.appendChild(document.createTextNode(' · '));
    dl.appendChild(download(j.figures.comparison_id, 'workbook', 'workbook'));
    tr.appendChild(dl);
    $('#plans tbody').appendChild(tr);
  }
  function download(id, what, label) {
    var a = document.createElement('a');
    a.href = '/api/comparisons/' + id + '/' + what;
    a.textContent = label;
    a.setAttribute('download', '');
    a.setAttribute('data-download', what);
    return a;
  }
  function drawChart(series) {
    var svg = $('#chart'), W = 760, H = 280, L = 70, R = W - 36, T = 14, B = H - 40;
    var ns = 'http://www.w3.org/2000/svg';
    svg.innerHTML = '';
    var vals = [0];
    series.forEach(function (p) { [p.mean, p.p05, p.p95].forEach(function (v) { if (v !== null && v !== undefined) vals.push(v); }); });
    var lo = Math.min.apply(null, vals), hi = Math.max.apply(null, vals);
    if (hi === lo) hi = lo + 1;
    var X = function (i) { return L + (R - L) * (series.length === 1 ? 0.5 : i / (series.length - 1)); };
    var Y = function (v) { return T + (B - T) * (hi - v) / (hi - lo); };
    function el(tag, attrs, content) {
      var e = document.createElementNS(ns, tag);
      Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
      if (content !== undefined) e.textContent = content;
      svg.appendChild(e);
      return e;
    }
    el('line', { class: 'axis', x1: L, y1: B, x2: R, y2: B });
    el('line', { class: 'axis', x1: L, y1: T, x2: L, y2: B });
    el('line', { class: 'zero', x1: L, y1: Y(0), x2: R, y2: Y(0) });
    [lo, (lo + hi) / 2, hi].forEach(function (v) { el('text', { x: L - 6, y: Y(v) + 4, 'text-anchor': 'end' }, money(v)); });
    series.forEach(function (p, i) { el('text', { x: X(i), y: B + 16, 'text-anchor': 'middle' }, p.year.replace(/^FY/, '').replace(/ \(.*\)$/, '')); });
    el('text', { x: (L + R) / 2, y: H - 6, 'text-anchor': 'middle' }, 'Financial year (part years show only their months)');
    var band = series.every(function (p) { return p.p05 !== null && p.p95 !== null; });
    if (band) {
      var d = series.map(function (p, i) { return (i ? 'L' : 'M') + X(i) + ' ' + Y(p.p95); }).join('') +
              series.slice().reverse().map(function (p, i) { return 'L' + X(series.length - 1 - i) + ' ' + Y(p.p05); }).join('') + 'Z';
      el('path', { class: 'band', d: d, fill: '#0072B2' });
    }
    var pts = series.map(function (p, i) { return p.mean === null ? null : [X(i), Y(p.mean)]; }).filter(Boolean);
    el('path', { class: 'line', stroke: '#0072B2', d: pts.map(function (q, i) { return (i ? 'L' : 'M') + q[0] + ' ' + q[1]; }).join(''), 'data-line': 'mean' });
    updates += 1;
    svg.setAttribute('data-series', String(series.length));
    svg.setAttribute('data-updates', String(updates));
  }

  // ---- Start ----
  function choose(file) {
    var entry = library.filter(function (e) { return e.file === file; })[0];
    if (!entry) return;
    scenario = JSON.parse(JSON.stringify(entry.scenario));
    if (!scenario.interventions) scenario.interventions = [];
    renderForm();
    scheduleCheck();
  }
  document.addEventListener('input', function (e) { if (e.target.closest('#plan') && e.target.id !== 'library' && e.target.id !== 'add-type') scheduleCheck(); });
  document.addEventListener('change', function (e) { if (e.target.closest('#interventions')) scheduleCheck(); });
  $('#library').addEventListener('change', function () { choose($('#library').value); });
  $('#add').addEventListener('click', function () {
    var type = $('#add-type').value;
    var n = 1, name = type;
    while ((scenario.interventions || []).some(function (iv) { return iv.name === name; })) name = type + '_' + (++n);
    scenario.interventions.push({ name: name, type: type, start: String((scenario.start_year || 2018) + 1) + '-04', budget: 500000 });
    renderForm();
    scheduleCheck();
  });
  $('#quick').addEventListener('click', function () { start('quick'); });
  $('#full').addEventListener('click', function () { start('full'); });
  $('#cancel').addEventListener('click', cancel);
  Promise.all([api('/api/library'), api('/api/catalogue')]).then(function (r) {
    library = r[0].body;
    catalogue = r[1].body;
    optionList($('#library'), library.map(function (e) { return [e.file, e.title + ' (' + e.file + ')']; }),
               (library.filter(function (e) { return e.file !== 'baseline.json' && (e.scenario.interventions || []).length; })[0] || library[0] || {}).file);
    optionList($('#add-type'), catalogue.map(function (c) { return [c.type, c.type.replace(/_/g, ' ')]; }), '');
    choose($('#library').value);
    document.body.setAttribute('data-ready', '1');
  });
})();
