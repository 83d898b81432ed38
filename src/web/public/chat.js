// Trợ lý Xã web chat: sends questions and feedback without reloading, and polls for expert answers.
// Every text is put in the page with textContent (never innerHTML).
(function () {
  'use strict';
  var list = document.getElementById('messages');
  var form = document.getElementById('ask');
  var typing = document.getElementById('typing');
  var csrf = document.querySelector('meta[name=csrf-token]').getAttribute('content');
  var ROLE = { user: 'Bạn', assistant: 'Trợ lý Xã', expert: 'Chuyên gia', system: 'Thông báo' };
  var FEEDBACK = [['helpful', 'Hữu ích'], ['unhelpful', 'Chưa hữu ích'], ['expert', 'Hỏi chuyên gia']];
  var timeFormat = new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', hour12: false });

  function lastId() {
    var items = list.querySelectorAll('li.msg[data-id]');
    var max = 0;
    for (var i = 0; i < items.length; i++) max = Math.max(max, Number(items[i].dataset.id) || 0);
    return max;
  }

  function node(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function render(m) {
    if (list.querySelector('li.msg[data-id="' + m.id + '"]')) return;
    var empty = list.querySelector('li.empty');
    if (empty) empty.remove();
    var li = node('li', 'msg msg-' + m.role);
    li.dataset.id = String(m.id);
    var who = node('div', 'who', ROLE[m.role] || '');
    var time = node('time', '', timeFormat.format(new Date(m.createdAt)));
    who.appendChild(document.createTextNode(' '));
    who.appendChild(time);
    li.appendChild(who);
    // An answer's passages are folded under its direct lines, as the server renders them.
    var at = m.role === 'assistant' ? m.text.indexOf('\n\n📌 ') : -1;
    if (at > 0) {
      li.appendChild(node('div', 'text', m.text.slice(0, at)));
      var more = node('details', 'more');
      more.appendChild(node('summary', '', 'Xem đoạn văn bản và căn cứ'));
      more.appendChild(node('div', 'text', m.text.slice(at + 2)));
      li.appendChild(more);
    } else {
      li.appendChild(node('div', 'text', m.text));
    }
    var meta = m.meta || {};
    if (meta.sources && meta.sources.length) {
      var ul = node('ul', 'sources');
      meta.sources.forEach(function (s) {
        var item = node('li', '', s.text);
        if (s.url && /^https?:\/\//.test(s.url)) {
          item.appendChild(document.createTextNode(' — '));
          var a = node('a', '', 'Nguồn');
          a.href = s.url;
          a.target = '_blank';
          a.rel = 'noopener noreferrer';
          item.appendChild(a);
        }
        ul.appendChild(item);
      });
      li.appendChild(ul);
    }
    // A form sent to this chat: its signed link on this server (or the public address).
    if (meta.download && /^(\/forms\/|https?:\/\/)/.test(meta.download.url)) {
      var link = node('a', 'download', 'Tải ' + meta.download.fileName);
      link.href = meta.download.url;
      link.setAttribute('download', meta.download.fileName);
      li.appendChild(link);
    }
    if (meta.warnings && meta.warnings.length) {
      var w = node('ul', 'warnings');
      meta.warnings.forEach(function (t) { w.appendChild(node('li', '', t)); });
      li.appendChild(w);
    }
    if (meta.offerFeedback && meta.answerId) {
      var box = node('div', 'feedback');
      FEEDBACK.forEach(function (f) {
        var b = node('button', 'secondary small', f[1]);
        b.type = 'button';
        b.dataset.answerId = String(meta.answerId);
        b.dataset.value = f[0];
        box.appendChild(b);
      });
      li.appendChild(box);
    }
    list.appendChild(li);
    li.scrollIntoView({ block: 'end' });
  }

  function post(url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body),
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) throw new Error(data.error || 'Lỗi ' + r.status);
        return data;
      });
    });
  }

  function showError(text) {
    render({ id: 'e' + Date.now(), role: 'system', text: text, createdAt: new Date().toISOString(), meta: {} });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = form.elements.text.value.trim();
    if (!text) return;
    var button = form.querySelector('button[type=submit]');
    button.disabled = true;
    typing.hidden = false;
    post('/chat/api/ask', { text: text, name: form.elements.name.value, commune: form.elements.commune.value })
      .then(function (data) {
        data.messages.forEach(render);
        form.elements.text.value = '';
      })
      .catch(function (error) { showError(error.message); })
      .then(function () {
        button.disabled = false;
        typing.hidden = true;
        form.elements.text.focus();
      });
  });

  // Enter sends, Shift+Enter makes a new line.
  form.elements.text.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // Feedback: server-rendered forms and script-rendered buttons alike.
  list.addEventListener('submit', function (event) {
    var f = event.target;
    if (!(f instanceof HTMLFormElement) || f.getAttribute('action') !== '/chat/feedback') return;
    event.preventDefault();
    sendFeedback(f.elements.answerId.value, f.elements.value.value, f.parentElement);
  });
  list.addEventListener('click', function (event) {
    var b = event.target;
    if (b instanceof HTMLButtonElement && b.dataset.answerId) sendFeedback(b.dataset.answerId, b.dataset.value, b.parentElement);
  });
  function sendFeedback(answerId, value, box) {
    box.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
    post('/chat/api/feedback', { answerId: Number(answerId), value: value })
      .then(function (data) { data.messages.forEach(render); })
      .catch(function (error) { showError(error.message); });
  }

  // Expert answers arrive later: poll for new messages.
  function poll() {
    fetch('/chat/api/messages?after=' + lastId(), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : { messages: [] }; })
      .then(function (data) { data.messages.forEach(render); })
      .catch(function () {})
      .then(function () { setTimeout(poll, document.hidden ? 10000 : 3000); });
  }
  setTimeout(poll, 3000);
  var last = list.lastElementChild;
  if (last) last.scrollIntoView({ block: 'end' });
})();
