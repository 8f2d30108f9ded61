// pathway case pages: step through the case, mark the path on the diagram, quiz mode.
// It only shows, hides and marks elements the page already holds; it builds nothing from
// scenario text and loads nothing.
(function () {
  "use strict";
  var root = document.documentElement;
  var list = document.querySelector(".steps");
  if (!list) { return; }  // the casebook: nothing to step through
  root.classList.add("js");
  var steps = Array.prototype.slice.call(document.querySelectorAll(".step"));
  var count = steps.length;
  var current = 1;
  var where = document.getElementById("where");
  var prev = document.getElementById("prev");
  var next = document.getElementById("next");
  var quizToggle = document.getElementById("quiz-mode");
  var score = document.getElementById("score");
  var zoom = document.getElementById("zoom");
  var diagram = document.querySelector(".diagram");
  var pane = document.querySelector(".case");
  var pageTitle = document.title;
  var points = 0;
  var asked = 0;

  function numbers(el, name) {
    var text = el.getAttribute(name);
    return text ? text.split(" ").map(Number) : [];
  }

  function quizOn() { return root.classList.contains("quiz-on"); }

  function waiting(n) {  // in quiz mode, a step whose questions are not all answered yet
    var step = steps[n - 1];
    return quizOn() && step.classList.contains("asks") && !step.classList.contains("answered");
  }

  function limit() {  // in quiz mode the class cannot go past a question it has not answered
    if (!quizOn()) { return count; }
    for (var n = 1; n <= count; n += 1) {
      if (waiting(n)) { return n; }
    }
    return count;
  }

  function centre(el) {
    if (!el || !diagram) { return; }
    var box = el.getBoundingClientRect();
    var view = diagram.getBoundingClientRect();
    diagram.scrollTop += (box.top + box.bottom) / 2 - (view.top + view.bottom) / 2;
    diagram.scrollLeft += (box.left + box.right) / 2 - (view.left + view.right) / 2;
  }

  function markDiagram(n) {
    var step = steps[n - 1];
    var here = step.getAttribute("data-state");
    var month = Number(step.getAttribute("data-month"));
    if (waiting(n)) {  // show the case as it stands before the decision
      here = step.getAttribute("data-from");
      n -= 1;
      month = n > 0 ? Number(steps[n - 1].getAttribute("data-month")) : 0;
    }
    document.querySelectorAll(".diagram .node, .diagram .nodetext").forEach(function (el) {
      var first = el.getAttribute("data-first");
      el.classList.toggle("seen", first !== null && Number(first) <= n);
      el.classList.toggle("here", el.id === "d-node-" + here);
    });
    document.querySelectorAll(".diagram .edge, .diagram .label").forEach(function (el) {
      var taken = numbers(el, "data-steps");
      el.classList.toggle("seen", taken.some(function (s) { return s <= n; }));
      el.classList.toggle("current", taken.indexOf(n) >= 0);
      el.classList.toggle("blocked-now", numbers(el, "data-blocked").indexOf(n) >= 0);
    });
    document.querySelectorAll(".timeline .band").forEach(function (el) {
      var s = Number(el.getAttribute("data-step"));
      el.classList.toggle("seen", s <= n);
      el.classList.toggle("current", s === n);
    });
    document.querySelectorAll(".timeline .tick").forEach(function (el) {
      el.classList.toggle("later", Number(el.getAttribute("data-month")) > month + 3);
    });
    centre(document.querySelector(".diagram .node.here") || document.querySelector(".diagram .edge.current"));
  }

  function scrollPane(step) {  // the step in view, with the patient above it when both fit
    if (!pane) { return; }
    var top = step.offsetTop - pane.offsetTop;
    pane.scrollTop = top + step.offsetHeight <= pane.clientHeight ? 0 : top - 8;
  }

  function show(n) {
    current = Math.max(1, Math.min(limit(), n));
    steps.forEach(function (el, i) { el.classList.toggle("current", i === current - 1); });
    where.textContent = "Step " + current + " of " + count;
    prev.disabled = current === 1;
    next.disabled = current >= limit();
    next.title = waiting(current) ? "answer this step first" : "";
    markDiagram(current);
    scrollPane(steps[current - 1]);
    if (location.hash !== "#step-" + current) {
      history.replaceState(null, "", "#step-" + current);
    }
  }

  function fromHash() {
    var m = /^#step-(\d+)$/.exec(location.hash);
    return m ? Number(m[1]) : 1;
  }

  function updateScore() {
    score.hidden = !quizOn();
    score.textContent = "Score: " + points + " of " + asked;
  }

  function answer(button) {
    var question = button.closest(".question");
    if (question.classList.contains("done")) { return; }
    question.classList.add("done");
    var option = button.getAttribute("data-option");
    var feedback = question.querySelector('.feedback[data-for="' + option + '"]');
    feedback.hidden = false;
    button.classList.add("chosen");
    question.querySelectorAll(".option").forEach(function (b) {
      b.disabled = true;
      var fb = question.querySelector('.feedback[data-for="' + b.getAttribute("data-option") + '"]');
      if (fb.getAttribute("data-credit") === "1") { b.classList.add("expected"); }
    });
    points += Number(feedback.getAttribute("data-credit"));
    asked += 1;
    updateScore();
    var step = question.closest(".step");
    var index = Number(question.getAttribute("data-index"));
    var later = step.querySelector('.question[data-index="' + (index + 1) + '"]');
    if (later) {
      later.hidden = false;  // the step stays hidden until its last question is answered
    } else {
      step.classList.add("answered");
      show(current);
    }
    feedback.focus();
  }

  steps.forEach(function (el) {
    if (el.querySelector(".quiz")) { el.classList.add("asks"); }
  });
  document.querySelectorAll(".option").forEach(function (b) {
    b.addEventListener("click", function () { answer(b); });
  });
  prev.addEventListener("click", function () { show(current - 1); });
  next.addEventListener("click", function () { show(current + 1); });
  quizToggle.addEventListener("change", function () {
    root.classList.toggle("quiz-on", quizToggle.checked);
    document.title = quizToggle.checked ? "Quiz - pathway case" : pageTitle;
    updateScore();
    show(current);
  });
  zoom.addEventListener("click", function () {
    diagram.classList.toggle("near");
    zoom.textContent = diagram.classList.contains("near") ? "Whole diagram" : "Closer";
    markDiagram(current);
  });
  document.querySelectorAll("button.more").forEach(function (b) {
    b.setAttribute("data-label", b.textContent);
    b.addEventListener("click", function () {
      var target = b.parentElement.nextElementSibling;
      while (target && !target.classList.contains("collapsed") && !target.classList.contains("shown")) {
        target = target.nextElementSibling;
      }
      if (!target) { return; }
      var open = target.classList.toggle("collapsed") === false;
      target.classList.toggle("shown", open);
      b.setAttribute("aria-expanded", String(open));
      b.textContent = open ? "hide" : b.getAttribute("data-label");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    if (diagram && diagram.contains(event.target)) { return; }  // arrows scroll the diagram there
    if (event.key === "ArrowRight") { show(current + 1); event.preventDefault(); }
    if (event.key === "ArrowLeft") { show(current - 1); event.preventDefault(); }
  });
  window.addEventListener("hashchange", function () { show(fromHash()); });
  show(fromHash());
})();
